from fontTools.pens.basePen import AbstractPen

class Cu2QuPen(AbstractPen):
    def __init__(
        self,
        other_pen: AbstractPen,
        max_err: float,
        reverse_direction: bool = ...,
        stats: dict[str, int] | None = ...,
        all_quadratic: bool = ...,
    ) -> None: ...
