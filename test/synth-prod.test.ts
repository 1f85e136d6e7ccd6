import { describeStackSynth } from "./synth-stack";

describeStackSynth("prod");
