import { describeStackSynth } from "./synth-stack";

describeStackSynth("hobnob", ["elasticPassword", "appSecrets.api.ELASTICSEARCH_PASSWORD"]);
