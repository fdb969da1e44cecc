// The floor of the LSP bench: a language server that reviews nothing. Built on vscode-languageserver over stdio like
// ours, it answers `initialize` and, on each open and change of a document, publishes at once the diagnostics our
// server published for the same schema (`ours-diagnostics.json` in the workspace folder, written by the bench from
// our server's first publish). Its edit → diagnostics time is what any server on this library and transport pays to
// deliver that list to the client: process switches, the pipe, encoding and the client's JSON parse, no review.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { fileURLToPath } = require('node:url');
const { createConnection, ProposedFeatures, TextDocumentSyncKind } = require('vscode-languageserver/node');

const connection = createConnection(ProposedFeatures.all);
let diagnostics = [];

connection.onInitialize((params) => {
  const root = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
  try {
    if (root) diagnostics = JSON.parse(readFileSync(join(fileURLToPath(root), 'ours-diagnostics.json'), 'utf8'));
  } catch {
    diagnostics = [];
  }
  return { capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental } };
});

const publish = (uri, version) => connection.sendDiagnostics({ uri, version, diagnostics });
connection.onDidOpenTextDocument((p) => publish(p.textDocument.uri, p.textDocument.version));
connection.onDidChangeTextDocument((p) => publish(p.textDocument.uri, p.textDocument.version));
connection.listen();
