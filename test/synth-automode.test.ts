import { describeStackSynth } from "./synth-stack";

describeStackSynth("automode");
