import { pathwaysTestConfig } from "@pathways/vitest-config/config";

export default pathwaysTestConfig;
