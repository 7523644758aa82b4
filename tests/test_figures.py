"""The figure helpers that several workflow scripts share."""

import numpy as np

from rotvae.figures import image_grid


def test_image_grid_puts_each_image_in_its_cell_with_its_labels():
    images = np.random.default_rng(0).random((3, 4, 6, 5), dtype=np.float32)
    fig = image_grid(images, row_labels=["a", "b", "c"], col_labels=["w", "x", "y", "z"])
    ax, = fig.axes
    mosaic = np.asarray(ax.images[0].get_array())
    step_r, step_c = 6 + 1, 5 + 1  # a gap of one pixel at this size
    assert mosaic.shape == (3 * step_r - 1, 4 * step_c - 1)
    for r in range(3):
        for c in range(4):
            cell = mosaic[r * step_r:r * step_r + 6, c * step_c:c * step_c + 5]
            np.testing.assert_array_equal(cell, images[r, c])
    assert (mosaic[6::step_r] == 1).all() and (mosaic[:, 5::step_c] == 1).all()  # white gaps
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["w", "x", "y", "z"]
