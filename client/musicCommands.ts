// Music commands: "Open in Piano Roll" for a MIDI file (the explorer's, the active editor's, or
// one picked from the workspace).
import * as vscode from 'vscode';
import { PIANO_ROLL_VIEW_TYPE, PianoRollProvider } from './pianoRollProvider';
import type { ServerClient } from './serverClient';

const MIDI_FILE = /\.midi?$/i;

/** The MIDI file of the active editor tab (text, binary or custom editor), if any. */
function activeMidiFile(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
  return uri && MIDI_FILE.test(uri.path) ? uri : undefined;
}

async function pickMidiFile(): Promise<vscode.Uri | undefined> {
  const files = await vscode.workspace.findFiles('**/*.{mid,midi,MID,MIDI}', '**/node_modules/**', 500);
  if (files.length === 0) {
    const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'MIDI files': ['mid', 'midi'] }, title: 'Open in Piano Roll' });
    return chosen?.[0];
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  const item = await vscode.window.showQuickPick(
    files.map(uri => ({ label: vscode.workspace.asRelativePath(uri, false).split('/').pop()!, description: vscode.workspace.asRelativePath(uri, true), uri })),
    { title: 'Open in Piano Roll', placeHolder: 'MIDI file', matchOnDescription: true },
  );
  return item?.uri;
}

export class MusicCommands {
  constructor(private readonly context: vscode.ExtensionContext, private readonly server: ServerClient) {}

  register(): void {
    this.context.subscriptions.push(
      PianoRollProvider.register(this.context, this.server),
      vscode.commands.registerCommand('mlw.music.openInPianoRoll', async (uri?: vscode.Uri) => {
        const target = uri instanceof vscode.Uri ? uri : activeMidiFile() ?? (await pickMidiFile());
        if (target) await vscode.commands.executeCommand('vscode.openWith', target, PIANO_ROLL_VIEW_TYPE);
      }),
    );
  }
}
