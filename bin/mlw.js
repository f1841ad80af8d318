#!/usr/bin/env node
// The `mlw` command: the ML Workbench server's capabilities on the command line.
require('../dist/cli.js');
