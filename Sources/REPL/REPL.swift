// The interactive exp session (issue 6). Filled in by the REPL work.
