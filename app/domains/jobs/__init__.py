"""Jobs: background work started by people, with its outcome kept after Redis forgets the job."""

from typing import TYPE_CHECKING

from app.core.exports import lazy_exports

if TYPE_CHECKING:  # what other domains may use; handed out lazily by __getattr__ (app.core.exports)
    from app.domains.jobs.services import JobRow as JobRow
    from app.domains.jobs.services import get_job as get_job
    from app.domains.jobs.services import progress as progress
    from app.domains.jobs.services import recent as recent
    from app.domains.jobs.services import start as start
else:
    __getattr__ = lazy_exports(__name__, __file__)
