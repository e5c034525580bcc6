import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Siirto's search attributes (docs/design.md §7). Every transfer is findable in the Temporal UI and by `siirto history`
 * through these. Safe to import from workflow code.
 */
export const SiirtoTenant = defineSearchAttributeKey('SiirtoTenant', SearchAttributeType.KEYWORD);
export const SiirtoFlow = defineSearchAttributeKey('SiirtoFlow', SearchAttributeType.KEYWORD);
export const SiirtoEntity = defineSearchAttributeKey('SiirtoEntity', SearchAttributeType.KEYWORD);
export const SiirtoSourceId = defineSearchAttributeKey('SiirtoSourceId', SearchAttributeType.KEYWORD);
export const SiirtoTargetId = defineSearchAttributeKey('SiirtoTargetId', SearchAttributeType.KEYWORD);
export const SiirtoStatus = defineSearchAttributeKey('SiirtoStatus', SearchAttributeType.KEYWORD);
export const SiirtoProgress = defineSearchAttributeKey('SiirtoProgress', SearchAttributeType.INT);

export const SEARCH_ATTRIBUTES = [SiirtoTenant, SiirtoFlow, SiirtoEntity, SiirtoSourceId, SiirtoTargetId, SiirtoStatus, SiirtoProgress];

export type TransferStatus = 'running' | 'done' | 'needs-attention' | 'skipped';
