/**
 * Access-review campaigns: a population frozen from a snapshot, worksheets per reviewer, decisions
 * imported from them, progress, one remediation plan, and evidence. Offline, on a graph and files:
 * nothing here talks to a tenant (the plan is acted on by `jcgraph apply`).
 */
export {
  CAMPAIGN_FORMAT,
  CAMPAIGN_VERSION,
  DECISIONS,
  type DecisionValue,
  type Campaign,
  type CampaignItem,
  type CampaignSnapshot,
  type ItemUser,
  type ItemReviewer,
  type Suggestion,
  type Decision,
  type ImportRecord,
  type PreviousCampaign,
  type CampaignClose,
  type CloseSummary,
  type ClosedBinding,
  type ClosedConflict,
  type CollateralBinding,
} from './format.ts';
export { parseScope, scopeWords, isPrivileged, ADMIN_LIKE_APPLICATION, type Scope, type ScopedBinding } from './scope.ts';
export { managerReviewers, ownerReviewers, readOwners, isSelfReview, type ReviewerAssigner, type Owners } from './reviewers.ts';
export { buildPopulation, itemId, pathWords, pathsDigest, type PathPicture, type Population } from './population.ts';
export {
  startCampaign,
  campaignSnapshot,
  writeStartedCampaign,
  itemsByReviewer,
  type StartOptions,
  type StartSnapshot,
  type StartedCampaign,
  type WorksheetFiles,
} from './start.ts';
export { readCampaign, writeCampaign, campaignPath } from './file.ts';
export { WORKSHEET_COLUMNS, worksheetCsv, worksheetName, type WorksheetColumn } from './worksheet.ts';
export { worksheetHtml } from './worksheet-html.ts';
export { parseCsv, type CsvRecord, type CsvProblem, type ParsedCsv } from './csv.ts';
export {
  importWorksheets,
  formatSheetError,
  type WorksheetFile,
  type SheetError,
  type ImportResult,
  type ImportOptions,
} from './import.ts';
export { campaignStatus, type CampaignStatus, type ReviewerStatus, type StatusItem } from './status.ts';
export { closeCampaign, type CloseOptions, type ClosedCampaign } from './close.ts';
export { evidencePack, writeEvidencePack, type EvidenceInput, type PackFile } from './evidence.ts';
export { postRemediationCheck, type PostRemediationCheck, type CheckedBinding, type OtherChange } from './post-check.ts';
export { compareWithPrevious, type ComparedCampaign } from './previous.ts';
