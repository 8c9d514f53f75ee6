from fontTools.pens.basePen import AbstractPen

class TransformPen(AbstractPen):
    # transformation: the affine matrix (xx, xy, yx, yy, dx, dy).
    def __init__(
        self, outPen: AbstractPen, transformation: tuple[float, float, float, float, float, float]
    ) -> None: ...
