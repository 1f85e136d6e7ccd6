/**
 * The Pulumi SDK serves resource transforms to the engine from a gRPC server it starts in the program's process
 * (runtime/callbacks.js: bound to 127.0.0.1, then called over the loopback until it answers) when the first
 * resource with `transforms` registers, and every such registration waits for it. Under mocks nothing calls that
 * server: the SDK's mock monitor takes each transform by its token (recordTransformCallback) and hands it to
 * newResource. {@link MockCallbacks} registers transforms that way without a server; whatever else the SDK asks of
 * its callbacks (stack transforms, hooks, state migrations) goes to the SDK's own server, started then.
 */
import { randomUUID } from "node:crypto";
import * as callbackProto from "@pulumi/pulumi/proto/callback_pb";
import * as callbacksModule from "@pulumi/pulumi/runtime/callbacks";
import * as stateModule from "@pulumi/pulumi/runtime/state";
import type { ResourceTransform } from "@pulumi/pulumi";

type CallbackServer = callbacksModule.ICallbackServer;

/** The SDK's mock monitor, as far as transforms go (runtime/mocks.js). */
export interface TransformRecordingMonitor {
  recordTransformCallback(token: string, transform: ResourceTransform): void;
}

/** Where the callbacks claim to be served: the mock monitor never dials it. */
export const MOCK_CALLBACK_TARGET = "in-process-mocks";

/** The SDK's callbacks under mocks: resource transforms in process, anything else through the SDK's server. */
export class MockCallbacks implements CallbackServer {
  private server?: CallbackServer;

  constructor(private readonly monitor: TransformRecordingMonitor & object) {}

  private real(): CallbackServer {
    this.server ??= new callbacksModule.CallbackServer(this.monitor as unknown as ConstructorParameters<typeof callbacksModule.CallbackServer>[0]);
    return this.server;
  }

  registerTransform(transform: ResourceTransform): Promise<callbackProto.Callback> {
    const token = randomUUID();
    this.monitor.recordTransformCallback(token, transform);
    const callback = new callbackProto.Callback();
    callback.setToken(token);
    callback.setTarget(MOCK_CALLBACK_TARGET);
    return Promise.resolve(callback);
  }

  awaitStackRegistrations(): Promise<void> {
    return this.server ? this.server.awaitStackRegistrations() : Promise.resolve();
  }

  shutdown(): void {
    this.server?.shutdown();
  }

  registerStateMigration(...args: Parameters<CallbackServer["registerStateMigration"]>) {
    return this.real().registerStateMigration(...args);
  }

  registerStackTransform(...args: Parameters<CallbackServer["registerStackTransform"]>) {
    this.real().registerStackTransform(...args);
  }

  registerStackInvokeTransform(...args: Parameters<CallbackServer["registerStackInvokeTransform"]>) {
    this.real().registerStackInvokeTransform(...args);
  }

  registerStackInvokeTransformAsync(...args: Parameters<CallbackServer["registerStackInvokeTransformAsync"]>) {
    return this.real().registerStackInvokeTransformAsync(...args);
  }

  registerResourceHook(...args: Parameters<CallbackServer["registerResourceHook"]>) {
    return this.real().registerResourceHook(...args);
  }

  registerErrorHook(...args: Parameters<CallbackServer["registerErrorHook"]>) {
    return this.real().registerErrorHook(...args);
  }
}

/** Internal to the SDK: the store that holds the callbacks (runtime/state.js, runtime/settings.js getCallbacks). */
const state = stateModule as unknown as { getStore(): { callbacks?: CallbackServer } };

/** Makes the SDK use {@link MockCallbacks} for `monitor` (the mock monitor setMocks installed). */
export function installMockCallbacks(monitor: TransformRecordingMonitor & object): MockCallbacks {
  const callbacks = new MockCallbacks(monitor);
  state.getStore().callbacks = callbacks;
  return callbacks;
}
