#!/usr/bin/env node
'use strict';
// From a checkout: the TypeScript sources through tsx. The single file (npx nx run doctor:bundle)
// needs neither: it runs with plain node.
require('tsx/cjs/api').register();
require('../src/main.ts');
