"""Greyscale pictures to press: on the black plate only, at the tone the output profile
gives each amount of black.

A grey photo printed in four colours drifts in colour and misregisters, so it goes on K
alone (as ``cmyk.py`` does for grey text). Which K prints a given grey is the output
profile's business, not a formula: LittleCMS (Pillow's ImageCms) gives the lightness
L* that each K prints at on paper and the lightness of each grey level (sRGB tone curve,
what a screen shows for DeviceGray); the table maps every grey level to the K of the
same lightness, with black-point compensation (the darkest grey to the deepest K).
"""

from __future__ import annotations

import io

import numpy as np

LEVELS = 256


def grey_to_k(profile_data: bytes) -> list[int]:
    """For each grey level 0–255 (0 black), the K 0–255 that prints it."""
    from PIL import Image, ImageCms

    lab = ImageCms.createProfile("LAB")
    output = ImageCms.ImageCmsProfile(io.BytesIO(profile_data))
    to_lab = ImageCms.buildTransform(
        output, lab, "CMYK", "LAB", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC
    )
    ramp = bytes(value for k in range(LEVELS) for value in (0, 0, 0, k))
    k_lightness = _lightness(
        ImageCms.applyTransform(Image.frombytes("CMYK", (LEVELS, 1), ramp), to_lab)
    )
    screen = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), lab, "RGB", "LAB")
    greys = bytes(value for level in range(LEVELS) for value in (level, level, level))
    grey_lightness = _lightness(
        ImageCms.applyTransform(Image.frombytes("RGB", (LEVELS, 1), greys), screen)
    )
    # Black-point compensation: grey's 0–100 L* onto the range K can print.
    darkest, lightest = k_lightness.min(), k_lightness.max()
    target = darkest + (grey_lightness - grey_lightness.min()) * (lightest - darkest) / (
        grey_lightness.max() - grey_lightness.min()
    )
    # K lightness falls as K rises: interpolate on the reversed (rising) curve.
    k = np.interp(target, k_lightness[::-1], np.arange(LEVELS)[::-1])
    return [int(round(v)) for v in k]


def _lightness(lab_image) -> np.ndarray:
    return np.asarray(lab_image.getchannel(0), dtype=float).reshape(-1)
