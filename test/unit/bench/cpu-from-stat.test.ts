import { cpuFromStat } from '../../bench/scale';

describe('cpuFromStat (the bench reads CPU time from /proc/<pid>/stat)', () => {
  // Fields from proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
  const stat = (comm: string, utime: number, stime: number, cutime: number, cstime: number) =>
    `4242 (${comm}) S 1 4242 4242 0 -1 4194560 100 200 0 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 1 0 1234 5678 90`;

  test('own time is utime + stime, children are cutime + cstime, in ms at 100 ticks a second', () => {
    expect(cpuFromStat(stat('node', 150, 50, 1200, 300))).toEqual({ ownMs: 2000, childrenMs: 15000 });
  });

  test('a command name with spaces and parentheses does not shift the fields', () => {
    expect(cpuFromStat(stat('a (b) c', 1, 2, 3, 4))).toEqual({ ownMs: 30, childrenMs: 70 });
  });

  test('the tick rate is a parameter', () => {
    expect(cpuFromStat(stat('x', 1000, 0, 0, 250), 1000)).toEqual({ ownMs: 1000, childrenMs: 250 });
  });
});
