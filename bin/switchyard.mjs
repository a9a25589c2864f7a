#!/usr/bin/env node
// The `switchyard` command: the bundled CLI (dist/cli/index.js, built from cli/src by npm run build).
import '../dist/cli/index.js';
