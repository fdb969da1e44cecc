/**
 * A stand-in for what VS Code gives a webview: its theme variables (Dark Modern / Light Modern values)
 * and `acquireVsCodeApi`, which here records posted messages in `window.__posted` and keeps state in
 * `window.__state`. Used by the screenshot script and the browser test; never shipped.
 */
export const DARK_THEME: Record<string, string> = {
  '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe UI", "Ubuntu", "DejaVu Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': '"Droid Sans Mono", "DejaVu Sans Mono", monospace',
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-editorWidget-background': '#202020',
  '--vscode-editorWidget-border': '#454545',
  '--vscode-widget-border': '#313131',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-errorForeground': '#f85149',
  '--vscode-editorWarning-foreground': '#cca700',
  '--vscode-editorInfo-foreground': '#3794ff',
  '--vscode-testing-iconPassed': '#73c991',
  '--vscode-textLink-foreground': '#4daafc',
  '--vscode-textLink-activeForeground': '#4daafc',
  '--vscode-textCodeBlock-background': '#2b2b2b',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-hoverBackground': '#026ec1',
  '--vscode-button-border': '#ffffff12',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-button-secondaryHoverBackground': '#3c3c3c',
  '--vscode-badge-background': '#616161',
  '--vscode-badge-foreground': '#f8f8f8',
  '--vscode-list-hoverBackground': '#2a2d2e',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-inputValidation-warningBackground': '#352a05',
};

export const LIGHT_THEME: Record<string, string> = {
  ...DARK_THEME,
  '--vscode-foreground': '#3b3b3b',
  '--vscode-descriptionForeground': '#717171',
  '--vscode-editor-background': '#ffffff',
  '--vscode-editorWidget-background': '#f8f8f8',
  '--vscode-editorWidget-border': '#c8c8c8',
  '--vscode-widget-border': '#e5e5e5',
  '--vscode-panel-border': '#e5e5e5',
  '--vscode-errorForeground': '#f85149',
  '--vscode-editorWarning-foreground': '#bf8803',
  '--vscode-editorInfo-foreground': '#1a85ff',
  '--vscode-testing-iconPassed': '#388a34',
  '--vscode-textLink-foreground': '#005fb8',
  '--vscode-textCodeBlock-background': '#f0f0f0',
  '--vscode-button-secondaryBackground': '#e5e5e5',
  '--vscode-button-secondaryForeground': '#3b3b3b',
  '--vscode-button-secondaryHoverBackground': '#cccccc',
  '--vscode-list-hoverBackground': '#f2f2f2',
  '--vscode-inputValidation-warningBackground': '#f6f5d2',
};

/** The page as VS Code would host it: theme variables on <html>, a body class, a stub webview API. */
export function hostPage(html: string, nonce: string, theme: 'dark' | 'light' = 'dark', state?: unknown): string {
  const vars = Object.entries(theme === 'dark' ? DARK_THEME : LIGHT_THEME).map(([k, v]) => `${k}: ${v};`).join(' ');
  const stub = `<script nonce="${nonce}">
window.__posted = []; window.__state = ${state === undefined ? 'undefined' : JSON.stringify(state).replace(/</g, '\\u003c')};
window.acquireVsCodeApi = function () { return { postMessage: function (m) { window.__posted.push(m); }, getState: function () { return window.__state; }, setState: function (s) { window.__state = JSON.parse(JSON.stringify(s)); } }; };
</script>`;
  return html
    .replace('<head>', `<head>\n<style nonce="${nonce}">html { ${vars} }</style>`)
    .replace('<body ', `<body class="vscode-${theme}" `)
    .replace(`<script nonce="${nonce}">`, `${stub}\n<script nonce="${nonce}">`);
}
