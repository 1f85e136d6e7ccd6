/**
 * The component package's entry point: the process the engine starts (through the Node.js language host's
 * RunPlugin for PulumiPlugin.yaml, or directly as `pulumi-resource-eks-search-platform`). It serves the
 * provider on the address the engine passes. Exports no component classes, so the language host runs this
 * file instead of inferring a provider from its exports.
 */
import * as pulumi from "@pulumi/pulumi";
import { ComponentPackageProvider } from "./provider";
import schema from "./schema.json";

void pulumi.provider.main(new ComponentPackageProvider(schema), process.argv.slice(2));
