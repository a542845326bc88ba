// The extension's output channel ("Kimi Code"): one place to log to, shared with the client.
import { createOutputChannel, OutputChannel } from './vscodeapi';

let channel: OutputChannel | undefined;

export function outputChannel(): OutputChannel {
    channel ??= createOutputChannel('Kimi Code');
    return channel;
}

export function info(message: string): void {
    outputChannel().info(message);
}

export function error(message: string): void {
    outputChannel().error(message);
}
