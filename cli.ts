#!/usr/bin/env node
/** The `normkit` executable: runs the program of src/cli/main.ts and exits with its code. */
import { main } from './src/cli/main.js';

process.exitCode = await main(process.argv);
