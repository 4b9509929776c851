/**
 * The protocol between the VS Code client and the server beyond LSP: custom requests and
 * notifications as typed constants, the settings, the URI scheme of other domains' files and the
 * commands the server refers to. Imported by both sides (each bundles it).
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';

/** The settings under `nixDomains.*`, as the server receives them. */
export interface Settings {
  /** Files larger than this many bytes are never parsed whole. */
  largeFileThreshold: number;
  diagnostics: {
    /** Report inputs of package functions that name no known package. */
    unknownInputs: boolean;
  };
  trace: { server: 'off' | 'messages' | 'verbose' };
  /** Wall time a request may take before it answers with what it has, in ms. */
  requestTimeoutMs: number;
}

/** Defaults of every setting; a test checks each `nixDomains.*` setting of package.json has one. */
export const DEFAULT_SETTINGS: Settings = {
  largeFileThreshold: 256 * 1024,
  diagnostics: { unknownInputs: true },
  trace: { server: 'off' },
  requestTimeoutMs: 2000,
};

/** What the server reads from the initialize request's initializationOptions: the settings, and what the client can do. */
export interface InitializationOptions extends Partial<Settings> {
  /** False in an untrusted workspace (VS Code's Restricted Mode). */
  trusted?: boolean;
  /** The client runs `command:` links in hovers (the VS Code extension, for SHOW_WAVE_PLAN_COMMAND); others get plain text. */
  commandLinks?: boolean;
}

/** The commands of the extension (package.json declares them; a test checks the client registers each). */
export const COMMANDS = {
  restartServer: 'nixDomains.restartServer',
  showServerLog: 'nixDomains.showServerLog',
  /** Shows the wave plan; the Waves hover links to it. */
  showWavePlan: 'nixDomains.showWavePlan',
  refreshStubs: 'nixDomains.refreshStubs',
  clearStubCache: 'nixDomains.clearStubCache',
  showFileImpact: 'nixDomains.showFileImpact',
  /** Lists what rebuilds: the argument of the impact code lens's command. */
  showImpact: 'nixDomains.showImpact',
} as const;

/** The VS Code command that shows the wave plan; the Waves hover links to it. */
export const SHOW_WAVE_PLAN_COMMAND = COMMANDS.showWavePlan;

/** The URI scheme of read-only files of other domains: `nix-domains:/<domain>/<revision>/<path>`. */
export const FOREIGN_SCHEME = 'nix-domains';

/** State shown in the status bar. */
export interface ServerStatus {
  domain: string;
  indexing: { done: number; total: number } | null;
  files: number;
  packages: number;
  /** The checked-out branch and its wave state. */
  wave?: { branch: string | null; wave: string | null; state: 'green' | 'in progress' | 'no wave' | 'detached' | 'no repository' };
  /** Set when indexing failed; the server keeps answering from what it has. */
  error?: string;
}

/** Server → client: the status changed (domain, index progress). */
export const STATUS_NOTIFICATION = new NotificationType<ServerStatus>('nixDomains/status');
/** Client → server: the current status. */
export const STATUS_REQUEST = new RequestType0<ServerStatus, void>('nixDomains/status');

export interface WavePlanParams {
  uri?: string;
  format: 'markdown' | 'text' | 'json';
  branch?: string;
  package?: string;
}
/** Client → server: the wave plan of the domain of a document (or the first domain), rendered. */
export const WAVE_PLAN_REQUEST = new RequestType<WavePlanParams, string, void>('nixDomains/wavePlan');

export interface FileContentParams {
  uri: string;
}
/** Client → server: the text of a read-only file of another domain (`nix-domains:/<domain>/<revision>/<path>`). */
export const FILE_CONTENT_REQUEST = new RequestType<FileContentParams, string, void>('nixDomains/fileContent');

/** Client → server: forget fetched stubs and fetch again on next use. */
export const REFRESH_STUBS_REQUEST = new RequestType0<void, void>('nixDomains/refreshStubs');
/** Client → server: delete the stub cache. */
export const CLEAR_STUB_CACHE_REQUEST = new RequestType0<void, void>('nixDomains/clearStubCache');

/** Something the user should know once: what happened and what to check. */
export interface ProblemParams {
  message: string;
  /** The domain it is about, when it is about one. */
  domain?: string;
  /** What to check or do. */
  hint?: string;
}
/** Server → client: something the user should know once (a stub that cannot be fetched, an invalid manifest). */
export const PROBLEM_NOTIFICATION = new NotificationType<ProblemParams>('nixDomains/problem');

/** What rebuilds if something changes: for the code lens's click and the "show impact" command. */
export interface ImpactList {
  title: string;
  groups: { domain: string; count: number; items: { label: string; uri?: string; line?: number }[] }[];
}

export interface FileImpactParams {
  uri: string;
}
/** Client → server: the impact of the package(s) a file builds. */
export const FILE_IMPACT_REQUEST = new RequestType<FileImpactParams, ImpactList | null, void>('nixDomains/fileImpact');
