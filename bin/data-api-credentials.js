#!/usr/bin/env node
'use strict';
// The compiled CLI (`npm run build` writes dist/): plain node, no TypeScript loader.
require('../dist/cli/index.js').main(process.argv);
