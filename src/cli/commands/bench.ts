import type { Command } from 'commander';

/** Registers `amigov bench`. Not available yet: the command is absent from --help until its issue lands. */
export function register(_program: Command): void {}
