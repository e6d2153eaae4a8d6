// Every semantic rule, in the order their findings are reported.
import { linuxAttributes, processAttributes, unsupportedFeatures } from './attributes';
import { argsResolvable, bindSources, rootExists } from './bundle';
import { capabilityNames, capabilitySets } from './capabilities';
import { deprecatedFields } from './deprecated';
import { idmapMounts } from './idmap';
import { hostCapabilities, hostCgroups, hostCpusAndNodes, hostFilesystems, hostNamespaces, hostNetDevices, hostSyscalls } from './host';
import { bindMounts, deviceNumbers, ociVersion, processSettings } from './misc';
import { duplicateNamespace, needsNamespace, userNamespaceMappings } from './namespaces';
import { absolutePathsRule } from './paths';
import { memoryLimits } from './resources';
import { rlimits } from './rlimits';
import type { Rule } from './rule';
import { seccompRules } from './seccomp';
import { sysctlNamespaces } from './sysctl';
import { timeOffsets } from './timens';

export const RULES: readonly Rule[] = [
  ociVersion, rootExists, absolutePathsRule, argsResolvable, processSettings, capabilityNames, capabilitySets, rlimits,
  needsNamespace, duplicateNamespace, userNamespaceMappings, timeOffsets, sysctlNamespaces, bindMounts, bindSources, idmapMounts, deviceNumbers,
  memoryLimits, seccompRules, processAttributes, linuxAttributes, unsupportedFeatures, deprecatedFields,
  hostNamespaces, hostCapabilities, hostFilesystems, hostCgroups, hostSyscalls, hostCpusAndNodes, hostNetDevices,
];

export type { Rule, RuleContext } from './rule';
