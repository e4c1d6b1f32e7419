import { declarationOptions, OPTIONAL_FIELD_NAMES, ROTATION_TRIGGER_OPTION, withOptionsExpanded } from '../../../../handlers/contract/declaration';
import { EDITABLE_FIELDS } from '../../../../handlers/contract/credential';

describe("a store entry's options", () => {
  const declared = {
    description: 'for BI',
    rotationGracePeriodHours: 2,
    authTypeChangeGracePeriodHours: 0,
    expiryDate: '2027-01-31',
    expiresAfterDays: 30,
    rotation: { trigger: '2026-12' },
  };

  test('hold every optional field of the contract table and the rotation trigger, and read back as declared', () => {
    expect(OPTIONAL_FIELD_NAMES.length).toBeGreaterThan(0);
    for (const name of OPTIONAL_FIELD_NAMES) expect(EDITABLE_FIELDS[name]).not.toHaveProperty('required');
    // Every optional field of the table is declared above: a field added to the table fails here until it is.
    expect(Object.keys(declared).filter((k) => k !== 'rotation').sort()).toEqual([...OPTIONAL_FIELD_NAMES].sort());
    const options = declarationOptions(declared);
    expect(Object.values(options).every((value) => typeof value === 'string')).toBe(true);
    expect(options[ROTATION_TRIGGER_OPTION]).toBe('2026-12');
    expect(withOptionsExpanded({ name: 'n', options })).toEqual({ name: 'n', ...declared });
  });

  test('hold nothing for what is not declared (a zero is declared)', () => {
    expect(declarationOptions({})).toEqual({});
    expect(declarationOptions({ authTypeChangeGracePeriodHours: 0 })).toEqual({ authTypeChangeGracePeriodHours: '0' });
    expect(withOptionsExpanded({ name: 'n', options: {} })).toEqual({ name: 'n' });
  });

  test('an entry without options (the module, or a store before 0.3) reads as it is; unknown keys and non-strings are left out', () => {
    const older = { name: 'n', description: 'd', rotation: { trigger: 't' } };
    expect(withOptionsExpanded(older)).toEqual(older);
    expect(withOptionsExpanded({ name: 'n', options: { name: 'other', kind: 'x', description: 5 } })).toEqual({ name: 'n' });
  });
});
