// ML Workbench: the VS Code side. Starts the server (a language server over IPC), shows its
// state in the status bar, and registers each capability's commands and views.
import * as vscode from 'vscode';
import { DataValidationCommands } from './dataValidationCommands';
import { MerkleCommands } from './merkleCommands';
import { MlCommands } from './mlCommands';
import { MusicCommands } from './musicCommands';
import { MusicModelCommands } from './musicModelCommands';
import { OnnxCommands } from './onnxCommands';
import { OnnxViewerProvider } from './onnxViewerProvider';
import { RunsView } from './runsView';
import { ServerClient } from './serverClient';
import { SNAPSHOT_SCHEME, SnapshotContentProvider } from './snapshotContent';
import { SimulationCommands } from './simulationCommands';

let server: ServerClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('ML Workbench', { log: true });
  server = new ServerClient(context, output);
  context.subscriptions.push(
    output,
    server,
    vscode.commands.registerCommand('mlw.showOutput', () => output.show()),
    vscode.commands.registerCommand('mlw.restartServer', () => server?.restart()),
    vscode.workspace.registerTextDocumentContentProvider(SNAPSHOT_SCHEME, new SnapshotContentProvider(server)),
  );
  new MerkleCommands(context, server).register();
  new DataValidationCommands(context, server).register();
  new MusicCommands(context, server).register();
  new MusicModelCommands(context, server).register();
  context.subscriptions.push(OnnxViewerProvider.register(context, server));
  new OnnxCommands(context, server).register();
  new RunsView(context, server).register();
  new SimulationCommands(context, server).register();
  new MlCommands(context, server).register();
  await server.start();
}

export async function deactivate(): Promise<void> {
  await server?.client.stop();
}
