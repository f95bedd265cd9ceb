"""`tslint server`: a language server over stdio (pygls). tslint.server.app wires the messages;
adapter is its one door into tslint; incremental keeps edits cheap; diagnostics and actions turn
findings into LSP objects; confirm runs torch's verdicts in a child session on save."""
