"""Small shared tables: number sequences."""

from django.db import connection, models


class Sequence(models.Model):
    """A counter for numbers that must be gapless (receipt numbers, donor numbers).

    ``next_value`` increments under the row lock the UPDATE takes, in the caller's
    transaction: a rolled-back caller gives its number back, so no gaps appear, and
    concurrent callers queue on the row instead of drawing the same number.
    """

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=100)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="core_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}={self.value}"

    @classmethod
    def next_value(cls, scope: str, key: str) -> int:
        """The next number of (scope, key), starting at 1. Call inside a transaction."""
        table = cls._meta.db_table
        sql = f"UPDATE {table} SET value = value + 1 WHERE scope = %s AND key = %s RETURNING value"  # noqa: S608 (table name from the model)
        with connection.cursor() as cursor:
            cursor.execute(sql, [scope, key])
            row = cursor.fetchone()
            if row is None:  # the first number of this key: create its row (a concurrent first waits here)
                cls.objects.bulk_create([cls(scope=scope, key=key, value=0)], ignore_conflicts=True)
                cursor.execute(sql, [scope, key])
                row = cursor.fetchone()
        return row[0]
