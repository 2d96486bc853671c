// townrules 的 VS Code 扩展：为 .rules 文件启动语言服务 `townrules lsp`（标准输入/输出）。
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration('townrules');
  const command = config.get('server.path') || 'townrules';
  // No `transport` option: the server talks on stdin/stdout without extra arguments.
  const serverOptions = {
    run: { command, args: ['lsp'] },
    debug: { command, args: ['lsp'] },
  };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'townrules' },
      { scheme: 'untitled', language: 'townrules' },
    ],
  };
  client = new LanguageClient('townrules', 'townrules 语言服务', serverOptions, clientOptions);
  client.start().catch((err) => {
    vscode.window.showErrorMessage(
      `无法启动 townrules 语言服务（${command} lsp）：${err.message}。` +
        '请先运行 `cargo install --path .`，或在设置中填写 townrules.server.path。'
    );
  });
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
