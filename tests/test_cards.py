import numpy as np
import pytest
import torch

from rotvae import cards
from rotvae.cards import CLASS_NAMES, CardSpec, CardSpecError, make_cards


def orientation_deg(image: np.ndarray) -> float:
    """Principal-axis angle of an image's intensity, degrees counter-clockwise in the
    displayed (x right, y up) plane, in (-90, 90]."""
    h, w = image.shape
    rows, cols = np.mgrid[0:h, 0:w]
    x, y = cols - (w - 1) / 2, (h - 1) / 2 - rows
    m = image.sum()
    cx, cy = (image * x).sum() / m, (image * y).sum() / m
    mxx = (image * (x - cx) ** 2).sum() / m
    myy = (image * (y - cy) ** 2).sum() / m
    mxy = (image * (x - cx) * (y - cy)).sum() / m
    return np.degrees(0.5 * np.arctan2(2 * mxy, mxx - myy))


def centroid(image: np.ndarray) -> np.ndarray:
    """(x, y) of the intensity centroid in pixels, x right and y up."""
    h, w = image.shape
    rows, cols = np.mgrid[0:h, 0:w]
    m = image.sum()
    return np.array([(image * cols).sum() / m, -(image * rows).sum() / m])


def axis_difference(a, b):
    """Difference of two axis angles, modulo 180, in [-90, 90)."""
    return (a - b + 90) % 180 - 90


def test_four_distinct_glyphs_in_unit_range():
    glyphs = cards.render_glyphs()
    assert glyphs.shape == (4, cards.RENDER_SIZE, cards.RENDER_SIZE)
    assert glyphs.min() >= 0 and glyphs.max() <= 1 and glyphs.max() > 0.99
    flat = glyphs.reshape(4, -1)
    for i in range(4):
        assert flat[i].sum() > 50, f"{CLASS_NAMES[i]} glyph is nearly empty"
        for j in range(i + 1, 4):
            # Distinct shapes: at least 10 % of the smaller glyph's ink differs.
            diff = np.abs(flat[i] - flat[j]).sum()
            assert diff > 0.1 * min(flat[i].sum(), flat[j].sum()), (CLASS_NAMES[i], CLASS_NAMES[j])


@pytest.mark.parametrize("radius, shift", [(None, 0.0), (cards.max_glyph_radius(translate_max=0.1), 0.1)])
def test_glyph_stays_inside_frame_under_the_largest_recipe_disorder(radius, shift):
    """At scale 1.3, shear +-15 on both axes and any rotation, the default glyph stays in
    the frame; a glyph sized with the translation in the bound also survives any shift."""
    glyphs = torch.from_numpy(np.array(cards.render_glyphs(radius)))
    angles = np.arange(0, 360, 15.0)
    n = 4 * angles.size
    worst = 0.0
    for sx in (-15.0, 15.0):
        for sy in (-15.0, 15.0):
            for dx in (-shift, shift):
                for dy in (-shift, shift):
                    out = cards.apply_affine(
                        glyphs.repeat_interleave(angles.size, 0), np.tile(angles, 4),
                        np.full(n, sx), np.full(n, sy), np.full(n, 1.3),
                        np.full(n, dx), np.full(n, dy),
                    ).numpy()
                    crop = cards.centre_crop(out)
                    border = np.concatenate(
                        [crop[:, 0], crop[:, -1], crop[:, :, 0], crop[:, :, -1]], 1)
                    worst = max(worst, float(border.max()))
                    # No ink lost: the crop keeps all that the 64x64 canvas holds.
                    assert np.allclose(crop.sum((1, 2)), out.sum((1, 2)), rtol=1e-4)
    assert worst < 1e-3


def test_few_recipe_images_touch_the_border():
    data = make_cards(CardSpec(per_class=500, angle=60, shear=15, scale=(1.0, 1.3),
                               translate=0.1, seed=0))
    im = data["images"]
    border = np.concatenate([im[:, 0], im[:, -1], im[:, :, 0], im[:, :, -1]], 1).max(1)
    assert (border > 0.05).mean() < 0.02


@pytest.mark.parametrize("angle", [-70.0, -30.0, 10.0, 45.0, 80.0])
def test_rotation_turns_the_principal_axis_by_the_angle(angle):
    diamond = torch.from_numpy(np.array(cards.render_glyphs()[3:4]))
    zero = np.zeros(1)
    base = cards.apply_affine(diamond, zero, zero, zero, np.ones(1), zero, zero)[0].numpy()
    turned = cards.apply_affine(diamond, np.array([angle]), zero, zero, np.ones(1), zero, zero)[0].numpy()
    assert abs(axis_difference(orientation_deg(turned), orientation_deg(base) + angle)) < 1.5


def test_recorded_factors_match_what_was_applied():
    # Rotation alone: each diamond's measured axis turns by its recorded angle.
    spec = CardSpec(per_class=40, angle=80, classes=("diamonds",), seed=3)
    data = make_cards(spec)
    base = orientation_deg(cards.centre_crop(cards.render_glyphs()[3]))
    measured = np.array([orientation_deg(im) for im in data["images"]])
    assert np.abs(axis_difference(measured, base + data["angle"])).max() < 2.0
    assert np.all(data["true_labels"] == CLASS_NAMES.index("diamonds"))
    # Translation alone: the centroid moves by (dx, dy) times the 48-pixel side.
    spec = CardSpec(per_class=20, translate=0.15, seed=4)
    data = make_cards(spec)
    glyphs = cards.centre_crop(cards.render_glyphs())
    for image, label, dx, dy in zip(data["images"], data["true_labels"], data["dx"], data["dy"]):
        shift = centroid(image) - centroid(glyphs[label])
        assert np.allclose(shift, [dx * 48, dy * 48], atol=0.3)
    # Scale alone: ink grows with the square of the recorded scale.
    spec = CardSpec(per_class=20, scale=(0.8, 1.3), seed=5)
    data = make_cards(spec)
    ink = data["images"].sum((1, 2))
    expected = glyphs.sum((1, 2))[data["true_labels"]] * data["scale"] ** 2
    assert np.allclose(ink, expected, rtol=0.03)


def moments(image: np.ndarray):
    """Intensity centroid (x, y) and 2x2 covariance, pixels, x right and y up."""
    h, w = image.shape
    rows, cols = np.mgrid[0:h, 0:w]
    x, y = cols - (w - 1) / 2, (h - 1) / 2 - rows
    m = image.sum()
    c = np.array([(image * x).sum(), (image * y).sum()]) / m
    dxy = np.stack([x - c[0], y - c[1]])
    cov = np.einsum("ihw,jhw,hw->ij", dxy, dxy, image) / m
    return c, cov


def test_all_recorded_factors_together_predict_the_image_moments():
    """Under p' = A p + d the centroid maps as A c + d and the covariance as A C A^T:
    the recorded angle, shear, scale and shift must reproduce both for every image."""
    spec = CardSpec(per_class=10, angle=120, shear=15, scale=(1.0, 1.3), translate=0.1, seed=7)
    data = make_cards(spec)
    glyphs = cards.centre_crop(cards.render_glyphs())
    for i, image in enumerate(data["images"]):
        c0, cov0 = moments(glyphs[data["true_labels"][i]])
        a = (cards.rotation_matrix(data["angle"][i])
             @ cards.shear_matrix(data["shear_x"][i], data["shear_y"][i]) * data["scale"][i])
        d = np.array([data["dx"][i], data["dy"][i]]) * 48
        c, cov = moments(image)
        assert np.allclose(c, a @ c0 + d, atol=0.3)
        assert np.allclose(cov, a @ cov0 @ a.T, atol=0.03 * np.abs(cov).max())


def test_factor_ranges_and_labels():
    spec = CardSpec(per_class=50, angle=60, shear=15, scale=(1.0, 1.3), translate=0.1,
                    labeled=False, seed=1)
    data = make_cards(spec)
    assert data["images"].shape == (200, 48, 48) and data["images"].dtype == np.float32
    assert np.all(data["labels"] == -1)
    assert np.bincount(data["true_labels"]).tolist() == [50, 50, 50, 50]
    assert np.abs(data["angle"]).max() <= 60 and np.abs(data["angle"]).max() > 50
    assert data["scale"].min() >= 1.0 and data["scale"].max() <= 1.3
    assert np.abs(data["dx"]).max() <= 0.1 and np.abs(data["dy"]).max() <= 0.1
    assert 0 <= data["images"].min() and data["images"].max() <= 1


def test_same_seed_same_bytes_other_seed_differs():
    spec = CardSpec(per_class=10, angle=60, shear=15, scale=(1, 1.3), translate=0.1, seed=11)
    a, b = make_cards(spec), make_cards(spec)
    for key in a:
        assert a[key].tobytes() == b[key].tobytes(), key
    c = make_cards(CardSpec(**{**spec.to_dict(), "seed": 12}))
    assert a["images"].tobytes() != c["images"].tobytes()


def test_angle_sweep_moves_the_same_cards():
    small = make_cards(CardSpec(per_class=10, angle=10, seed=2))
    large = make_cards(CardSpec(per_class=10, angle=90, seed=2))
    assert np.array_equal(small["true_labels"], large["true_labels"])
    assert np.allclose(large["angle"], small["angle"] * 9, atol=1e-4)


def test_background_noise_has_the_requested_sigma_and_is_not_clipped():
    clean = make_cards(CardSpec(per_class=25, angle=30, seed=8))
    noisy = make_cards(CardSpec(per_class=25, angle=30, noise=0.4, seed=8))
    residual = noisy["images"] - clean["images"]
    assert abs(residual.std() - 0.4) < 0.01
    assert abs(residual.mean()) < 0.01
    assert noisy["images"].min() < -0.5 and noisy["images"].max() > 1.5


@pytest.mark.parametrize("density", [0.0, 0.05, 0.3, 1.0])
def test_contamination_sets_the_requested_fraction_of_pixels(density):
    data = make_cards(CardSpec(per_class=5, angle=30, contamination_density=density,
                               contamination_intensity=2.0, seed=9))
    fraction = (data["images"] == 2.0).mean(axis=(1, 2))
    assert np.allclose(fraction, round(density * 2304) / 2304)
    if 0 < density < 1:
        # Different pixels in different images.
        masks = data["images"] == 2.0
        assert not np.array_equal(masks[0], masks[1])


@pytest.mark.parametrize(
    "field, value",
    [("angle", -5.0), ("angle", 181.0), ("contamination_density", 1.5), ("per_class", 0),
     ("scale", (1.3, 1.0)), ("noise", -0.1), ("classes", ("clubs", "jokers"))],
)
def test_spec_rejects_out_of_range_values_naming_the_key(field, value):
    kwargs = {"per_class": 1, field: value}
    with pytest.raises(CardSpecError, match=f"'{field}'"):
        CardSpec(**kwargs)
