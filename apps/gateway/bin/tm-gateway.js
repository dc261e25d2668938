#!/usr/bin/env node
'use strict';
// Runs the TypeScript CLI directly (no build step), as everywhere in the workspace.
require('@swc-node/register');
require('../src/cli/main.ts').cli();
