import { describeStackSynth } from "./synth-stack";

describeStackSynth("local");
