"""Every write to incidents, their evidence links and corrections goes through these functions.

Each is keyword-only and atomic, locks the rows it changes, checks who may do it and what the
record needs, and raises `TransitionError` (a `core.errors.Refused`) with a sentence the user can
act on, or Django's `ValidationError` naming the field that is wrong. The admin, the demo, the
management commands and the benchmark call them; nothing else writes these tables.

Three rules hold everywhere:
- **Editing follows the status.** Drafts are open to editors, incidents in review to reviewers;
  a published or withdrawn record keeps its content: staff fields (internal notes, assignment)
  change directly, everything the public sees only through a reviewed correction.
- **Four eyes.** Nothing reaches the public on one person's word: `is_own_work` says whether the
  actor wrote the record (or the correction) and so may not publish or approve it.
- **Exact sync.** Whatever changes what the public sees of an incident sets its
  `public_updated_at` (partners' `?updated_since=` and `withdrawn/?since=`), and, once it is
  public, adds a line to its public correction log; safety removals say only that something was
  removed, never what.

The functions live in modules by what they do (rules, public_record, editing, workflow,
correcting, correction_changes, reference, benchmark); callers use them from here:
`from incidents import services` and `services.incident_publish(...)`.
"""

from incidents.services.benchmark import benchmark_records_delete, benchmark_records_load
from incidents.services.correcting import (
    correction_approve,
    correction_discard,
    correction_return,
    correction_save,
    correction_start,
    correction_submit,
    open_correction,
)
from incidents.services.editing import (
    deletion_refusal,
    editing_refusal,
    incident_create,
    incident_delete,
    incident_source_add,
    incident_source_change,
    incident_source_remove,
    incident_testimony_add,
    incident_testimony_change,
    incident_testimony_remove,
    incident_update,
)
from incidents.services.public_record import (
    public_ids,
    published_citing,
    published_linking,
    record_public_change,
    source_view,
    testimony_view,
)
from incidents.services.reference import incident_type_save, region_save
from incidents.services.rules import (
    EDIT_PERMISSION,
    EDITABLE_FIELDS,
    MERGED_REASON,
    PUBLISH_PERMISSION,
    REVIEW_PERMISSION,
    SOURCE_CORRECTED,
    SOURCE_REMOVED,
    SUMMARY_CORRECTED,
    SUMMARY_REMOVED,
    EditConflict,
    TransitionError,
    changed_after_you_opened,
    is_own_work,
    is_reviewer,
    missing_for_submission,
    person,
)
from incidents.services.workflow import (
    incident_assess,
    incident_merge,
    incident_publish,
    incident_republish,
    incident_return_to_draft,
    incident_submit,
    incident_withdraw,
)

__all__ = [
    "EDITABLE_FIELDS",
    "EDIT_PERMISSION",
    "MERGED_REASON",
    "PUBLISH_PERMISSION",
    "REVIEW_PERMISSION",
    "SOURCE_CORRECTED",
    "SOURCE_REMOVED",
    "SUMMARY_CORRECTED",
    "SUMMARY_REMOVED",
    "EditConflict",
    "TransitionError",
    "benchmark_records_delete",
    "benchmark_records_load",
    "changed_after_you_opened",
    "correction_approve",
    "correction_discard",
    "correction_return",
    "correction_save",
    "correction_start",
    "correction_submit",
    "deletion_refusal",
    "editing_refusal",
    "incident_assess",
    "incident_create",
    "incident_delete",
    "incident_merge",
    "incident_publish",
    "incident_republish",
    "incident_return_to_draft",
    "incident_source_add",
    "incident_source_change",
    "incident_source_remove",
    "incident_submit",
    "incident_testimony_add",
    "incident_testimony_change",
    "incident_testimony_remove",
    "incident_type_save",
    "incident_update",
    "incident_withdraw",
    "is_own_work",
    "is_reviewer",
    "missing_for_submission",
    "open_correction",
    "person",
    "public_ids",
    "published_citing",
    "published_linking",
    "record_public_change",
    "region_save",
    "source_view",
    "testimony_view",
]
