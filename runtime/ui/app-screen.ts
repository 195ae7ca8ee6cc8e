/**
 * An app's screen: runs the app's `ui.render` command (or `ui.event` with an event) through a
 * `Host` (the app's real worker and module), and checks the view tree it returns
 * (view-tree.ts). What went wrong on the app's side — its own error, a trap, a deadline, a view
 * tree the host will not render — is a {@link ScreenResult} `error`, shown inside the app's frame;
 * only what is not the app's doing (no such app, no `ui` grant, a malformed event from the page,
 * a closed host) is thrown, for the console's chrome.
 */
import { CodedError } from '../../lib/coded-error.js';
import { terminalText } from '../../lib/terminal-text.js';
import type { AppSummary } from '../app-registry.js';
import { UiError } from './ui-error.js';
import { validateEvent } from './ui-event.js';
import { validateView, type SafeNode } from './view-tree.js';

/** The command that draws an app's screen, and the one that handles an event on it. */
export const UI_RENDER_COMMAND = 'ui.render';
export const UI_EVENT_COMMAND = 'ui.event';
/** The capability an app needs for the host to show its screen (isa/wit/ui.wit). */
export const UI_CAPABILITY = 'ui';

/** Host errors that are the host's or the caller's, not the app's: thrown, never shown in the frame. */
const NOT_THE_APPS = new Set(['UNKNOWN_APP', 'CLOSED', 'INTERNAL']);

export type ScreenResult = { view: SafeNode } | { error: { code: string; message: string } };

/** What a screen needs of the host: running a command, and the installed apps (for the grant). */
export interface ScreenHost {
  run(app: string, command: string, args: unknown): Promise<unknown>;
  list(): Promise<AppSummary[]>;
}

export class AppScreens {
  constructor(readonly host: ScreenHost) {}

  /** The app's screen now. */
  async render(app: string): Promise<ScreenResult> {
    await this.#check(app);
    return this.#view(app, UI_RENDER_COMMAND, {});
  }

  /** Delivers an event (the page's body, checked here) and returns the screen the app draws after it. */
  async event(app: string, body: unknown): Promise<ScreenResult> {
    const ev = validateEvent(body);
    const summary = await this.#check(app);
    if (!summary.commands.includes(UI_EVENT_COMMAND))
      return { error: { code: 'NO_EVENTS', message: `app '${app}' has no ${UI_EVENT_COMMAND} command: its screen takes no events` } };
    return this.#view(app, UI_EVENT_COMMAND, { id: ev.id, value: ev.value, form: ev.form });
  }

  /** Whether the app can have a screen: installed, granted `ui`, with a `ui.render` command. */
  static hasScreen(a: AppSummary): boolean {
    return a.capabilities.includes(UI_CAPABILITY) && a.commands.includes(UI_RENDER_COMMAND);
  }

  async #check(app: string): Promise<AppSummary> {
    const a = (await this.host.list()).find((s) => s.name === app);
    if (!a) throw new UiError('UI_NOT_AVAILABLE', `no app named ${JSON.stringify(terminalText(app, 64))} is installed`);
    if (!a.capabilities.includes(UI_CAPABILITY))
      throw new UiError('UI_NOT_AVAILABLE', `app '${app}' was not granted the ${UI_CAPABILITY} capability: it has no screen`);
    if (!a.commands.includes(UI_RENDER_COMMAND))
      throw new UiError('UI_NOT_AVAILABLE', `app '${app}' has no ${UI_RENDER_COMMAND} command: it has no screen`);
    return a;
  }

  async #view(app: string, command: string, args: unknown): Promise<ScreenResult> {
    let result: unknown;
    try {
      result = await this.host.run(app, command, args);
    } catch (err) {
      if (err instanceof CodedError && !NOT_THE_APPS.has(err.code))
        return { error: { code: err.code, message: terminalText(err.message) } };
      throw err;
    }
    try {
      return { view: validateView(result) };
    } catch (err) {
      if (err instanceof UiError)
        return { error: { code: err.code, message: `app '${app}' returned a view the host will not render: ${err.message}` } };
      throw err;
    }
  }
}
