import type * as pulumi from "@pulumi/pulumi";

/**
 * The options a resource transform hands back when it changes only props (or adds an option): `opts` without
 * a `deleteBeforeReplace: false` the SDK made up.
 *
 * `registerTransform` in @pulumi/pulumi (3.270, runtime/callbacks.js) decodes the request's options with
 * `getDeleteBeforeReplace()`, which reads an unset field as `false`, although the protocol field is optional
 * (`hasDeleteBeforeReplace`). A transform that returns `args.opts` then sends an explicit `false`, and the
 * engine takes that over the provider's own answer: the Kubernetes provider asks for delete-before-replace
 * for an object with a fixed `metadata.name`, so the replacement ran create-before-delete instead, and the
 * delete of the old object removed the new one under the same name (a rotated Secret was gone after `up`).
 * An explicit `true` is kept. A user's explicit `false` cannot be told from the made-up one and is dropped,
 * which leaves the provider's choice: for named Kubernetes objects the only order that works.
 */
export function passThroughOptions(opts: pulumi.CustomResourceOptions | pulumi.ComponentResourceOptions): pulumi.ResourceOptions {
  if ((opts as pulumi.CustomResourceOptions).deleteBeforeReplace !== false) return opts;
  const { deleteBeforeReplace: _dropped, ...rest } = opts as pulumi.CustomResourceOptions;
  return rest;
}
