import { describeStackSynth } from "./synth-stack";

describeStackSynth("todobackend", ["appSecrets.todobackend.SECRET_KEY", "appSecrets.db.MYSQL_ROOT_PASSWORD", "sharedSecrets.db.MYSQL_PASSWORD"]);
