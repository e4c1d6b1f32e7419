import * as library from '../../lib';
import { type Load, LIBRARY } from './stacks';

/**
 * `load` for stacks.js inside this repository: the library from its TypeScript sources (as tsx
 * runs them), everything else from this repository's node_modules.
 */
export const loadFromSource: Load = (name) => (name === LIBRARY ? library : require(name));
