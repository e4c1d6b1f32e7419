#!/usr/bin/env node
'use strict';
// The CLI is TypeScript run as is: tsx's CommonJS loader compiles it on require, no build step.
require('tsx/cjs');
require('../cli/index.ts').main(process.argv);
