import { describeStackSynth } from "./synth-stack";

describeStackSynth("dev");
