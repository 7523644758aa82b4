"""Pixel coordinates and the rotation + shift that the invariant decoders apply.

Convention (the same as `rotvae.cards`): coordinates in [-1, 1]^2 with x to the right and
y upwards; an angle latent phi (radians) turns the decoded object counter-clockwise as
displayed, and an offset (dx, dy) moves it right and up, in these normalised units."""

from __future__ import annotations

import torch


def pixel_grid(height: int, width: int) -> torch.Tensor:
    """(H*W, 2) pixel-centre coordinates (x, y), row-major, top row first; the same
    points as `affine_grid(..., align_corners=False)` with y flipped."""
    ys = (torch.arange(height, dtype=torch.float32) + 0.5) / height * 2 - 1
    xs = (torch.arange(width, dtype=torch.float32) + 0.5) / width * 2 - 1
    gy, gx = torch.meshgrid(-ys, xs, indexing="ij")
    return torch.stack([gx.reshape(-1), gy.reshape(-1)], -1)


def object_coordinates(
    grid: torch.Tensor, angle: torch.Tensor | None, offset: torch.Tensor | None
) -> torch.Tensor:
    """Where each output pixel lands in the object's own frame: R(-phi) (p - d).

    grid: (P, 2); angle: (...,) radians or None; offset: (..., 2) or None.
    Returns (..., P, 2), broadcasting over the latents' batch shape."""
    coords = grid
    if offset is not None:
        coords = coords - offset.unsqueeze(-2)
    if angle is not None:
        c, s = torch.cos(angle)[..., None], torch.sin(angle)[..., None]
        x, y = coords[..., 0], coords[..., 1]
        # Inverse rotation: the object is turned by +phi, so we look up at -phi.
        coords = torch.stack([c * x + s * y, -s * x + c * y], -1)
    return coords
