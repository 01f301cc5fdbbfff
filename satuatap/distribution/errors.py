from satuatap.core.errors import DomainError


class DistributionRefused(DomainError):
    """A program, application, approval or payment that cannot be saved as asked."""


class FairShareWarning(DistributionRefused):
    """The program's fair-share rule is broken; an approver may override it with a reason."""
