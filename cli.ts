#!/usr/bin/env node
/** The `normkit` executable: runs the program of src/cli/main.ts and exits with its code. */
import { programArgv, relaunch } from './src/cli/long-argv.js';
import { main } from './src/cli/main.js';

// A very long command line runs in a child process (src/cli/long-argv.ts says why).
const argv = programArgv(process.argv);
process.exitCode = argv ? await main(argv) : await relaunch(process.argv);
