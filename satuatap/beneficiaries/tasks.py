"""Background tasks of the registry (django-tasks)."""

from django_tasks import task

from satuatap.beneficiaries import dedup


@task()
def dedup_task(run_id: int) -> None:
    dedup.dedup_execute(run_id)
