"""One focused case per primitive: a table of (arguments -> expected) keyed by primitive name.

Primitives that need more than a table row have a function `test_<name>` in
tests/dsl/test_primitives_objects.py; `test_every_primitive_has_a_test` checks that every
registered primitive has exactly one of the two.
"""

from __future__ import annotations

import numpy as np
import pytest

from dsl.registry import primitives
from tests.dsl import test_primitives_objects
from tests.dsl.grids import G


def M(s: str) -> np.ndarray:
    """Mask from rows of 0/1 digits."""
    return G(s) != 0


A = G("123/456")
HALVES = G("11501/01511")  # left "11/01", right "01/11", separator column of 5
SYM = G("1221/3443/3443/1221")

# name -> list of (args, expected); expected ValueError means the primitive must refuse.
CASES: dict[str, list[tuple[tuple, object]]] = {
    # geometry
    "identity": [((A,), A)],
    "rot90": [((A,), G("41/52/63"))],
    "rot180": [((A,), G("654/321"))],
    "rot270": [((A,), G("36/25/14"))],
    "flip_lr": [((A,), G("321/654"))],
    "flip_ud": [((A,), G("456/123"))],
    "transpose": [((A,), G("14/25/36"))],
    "antitranspose": [((A,), G("63/52/41"))],
    # colour
    "replace_colour": [((G("102/210"), 1, 5), G("502/250"))],
    "swap_colours": [
        ((G("102/210"), 1, 2), G("201/120")),
        ((G("000"), 1, 2), G("000")),
        ((G("12"), 1, 1), ValueError),
    ],
    "keep_colour": [((G("102/213"), 1), G("100/010")), ((G("102"), 7), G("000"))],
    "remove_colour": [((G("102/213"), 1), G("002/203"))],
    "recolour_foreground": [((G("102/213"), 4), G("404/444"))],
    "fill_background": [((G("102/010"), 3), G("132/313"))],
    "swap_two_colours": [((G("101/011"),), G("010/100")), ((G("123"),), ValueError)],
    "keep_most_common_colour": [((G("1110/2230"),), G("1110/0000"))],
    "keep_least_common_colour": [((G("1110/2230"),), G("0000/0030"))],
    "remove_most_common_colour": [((G("1110/2230"),), G("0000/2230"))],
    "remove_least_common_colour": [((G("1110/2230"),), G("1110/2200"))],
    "majority_to_background": [((G("550/515"),), G("005/010")), ((G("001"),), G("001"))],
    "most_common_colour": [((G("1100/2000"),), 0)],
    "least_common_colour": [((G("1100/2000"),), 2)],
    "most_common_foreground": [((G("1100/2000"),), 1), ((G("00"),), ValueError)],
    "least_common_foreground": [((G("1100/2000"),), 2)],
    "colours_by_count": [((G("1222/0330"),), G("2/3/1"))],
    "most_common_colour_cell": [((G("1222/0330"),), G("2"))],
    "least_common_colour_cell": [((G("1222/0330"),), G("1"))],
    "border_colour": [((G("555/515/525"),), 5)],
    "fill_grid": [((G("12/34"), 7), G("77/77"))],
    # cropping
    "crop_to_content": [((G("0000/0120/0030/0000"),), G("12/03")), ((G("00"),), ValueError)],
    "crop_to_content_majority": [((G("555/515/555"),), G("1"))],
    "crop_to_colour": [((G("00000/02220/02120/02220"), 2), G("222/212/222"))],
    "crop_inside_colour": [((G("2222/2102/2032/2222"), 2), G("10/03"))],
    "trim_border": [((G("1111/1231/1451/1111"),), G("23/45"))],
    "left_half": [((G("12345"),), G("12"))],
    "right_half": [((G("12345"),), G("45"))],
    "top_half": [((G("1/2/3"),), G("1"))],
    "bottom_half": [((G("1/2/3"),), G("3"))],
    "first_half": [((G("10502/01510"),), G("10/01")), ((G("12/34"),), ValueError)],
    "second_half": [((G("10502/01510"),), G("02/10"))],
    "remove_uniform_rows": [((G("111/123/444"),), G("123"))],
    "remove_uniform_cols": [((G("121/131"),), G("2/3"))],
    "remove_uniform_lines": [((G("1111/1231/1111"),), G("23"))],
    "remove_background_lines": [((G("000/102/000/304"),), G("12/34"))],
    "dedupe_rows": [((G("12/12/34/12"),), G("12/34/12"))],
    "dedupe_cols": [((G("1123/4456"),), G("123/456"))],
    "dedupe_lines": [((G("1122/1122/3344"),), G("12/34"))],
    "top_left_cell": [((G("12/34"),), G("1"))],
    # movement
    "gravity_up": [((G("00/10/02"),), G("12/00/00"))],
    "gravity_down": [((G("10/02/00"),), G("00/00/12"))],
    "gravity_left": [((G("010/002"),), G("100/200"))],
    "gravity_right": [((G("100/020"),), G("001/002"))],
    "shift_up": [((G("00/12"), 1), G("12/00")), ((G("00/12"), 2), ValueError)],
    "shift_down": [((G("12/00"), 1), G("00/12"))],
    "shift_left": [((G("012"), 1), G("120"))],
    "shift_right": [((G("120"), 1), G("012"))],
    "roll_down": [((G("1/2/3"), 1), G("3/1/2"))],
    "roll_right": [((G("123"), 1), G("312"))],
    # tiling and scaling
    "upscale": [
        ((G("12"), 2), G("1122/1122")),
        ((G("12"), 1), ValueError),
        ((G("1234567890123456"), 2), ValueError),
    ],
    "upscale_h": [((G("12"), 2), G("1122"))],
    "upscale_v": [((G("12"), 2), G("12/12"))],
    "downscale": [((G("1122/1122"), 2), G("12")), ((G("123"), 2), ValueError)],
    "downscale_blocks": [((G("111222/111222"),), G("12")), ((G("12/21"),), ValueError)],
    "tile": [((G("12"), 2), G("1212/1212"))],
    "tile_h": [((G("12"), 2), G("1212"))],
    "tile_v": [((G("12"), 2), G("12/12"))],
    "mirror_h": [((G("12/30"),), G("1221/3003"))],
    "mirror_h_first": [((G("12/30"),), G("2112/0330"))],
    "mirror_v": [((G("12/30"),), G("12/30/30/12"))],
    "mirror_v_first": [((G("12/30"),), G("30/12/12/30"))],
    "mirror_4": [((G("12"),), G("1221/1221"))],
    "mirror_4_last": [((G("12"),), G("2112/2112"))],
    "stack_rot180": [((G("12/30"),), G("12/30/03/21"))],
    "beside_rot180": [((G("12/30"),), G("1203/3021"))],
    "rotate_4": [((G("12/34"),), G("1231/3442/2443/1321")), ((A,), ValueError)],
    "hconcat": [((G("1/2"), G("3/4")), G("13/24")), ((G("1"), G("3/4")), ValueError)],
    "vconcat": [((G("12"), G("34")), G("12/34")), ((G("1"), G("34")), ValueError)],
    "self_kron": [((G("10/01"),), G("1000/0100/0010/0001"))],
    "self_kron_inverse": [((G("10/01"),), G("0010/0001/1000/0100"))],
    "cells_to_pixels": [((G("11522/11522/55555/33544/33544"),), G("12/34"))],
    "cells_to_pixels_foreground": [((G("10500/00502"),), G("12")), ((G("12"),), ValueError)],
    "blank_cells_to_pixels": [((G("12003/11003/00000/40055"),), G("13/45")), ((A,), ValueError)],
    # masks
    "mask_of_colour": [((G("12/21"), 1), M("10/01"))],
    "mask_foreground": [((G("10/02"),), M("10/01"))],
    "mask_and": [((M("10/11"), M("11/01")), M("10/01"))],
    "mask_or": [((M("10/11"), M("11/01")), M("11/11"))],
    "mask_xor": [((M("10/11"), M("11/01")), M("01/10"))],
    "mask_not": [((M("10/01"),), M("01/10"))],
    "mask_to_grid": [((M("10/01"), 3), G("30/03"))],
    "paint_mask": [((G("12/34"), M("10/01"), 0), G("02/30"))],
    "halves_and": [((HALVES, 3), G("03/03"))],
    "halves_or": [((HALVES, 3), G("33/33"))],
    "halves_xor": [((HALVES, 3), G("30/30"))],
    "halves_nor": [((HALVES, 3), G("00/00"))],
    "halves_first_only": [((HALVES, 3), G("30/00"))],
    "halves_second_only": [((HALVES, 3), G("00/30"))],
    "halves_overlay": [((G("12503/00534"),), G("12/34"))],
    "halves_overlay_second": [((G("12503/00534"),), G("13/34"))],
    "cells_broadcast": [((G("10502/00500"),), G("12512/00500"))],
    "cells_overlay": [((G("10501/00520"),), G("11/20"))],
    "cells_and": [((HALVES, 3), G("03/03"))],
    "cells_nor": [((G("10501/00520"), 3), G("00/03"))],
    # symmetry
    "complete_symmetry": [
        ((G("9221/3443/3943/1221"), 9), SYM),
        ((SYM, 9), SYM),
        ((G("99"), 9), ValueError),
    ],
    "crop_completed": [((G("1221/3993/3443/1221"), 9), G("44"))],
    "complete_mirror_offset": [((G("123814/456547"), 8), G("123214/456547"))],
    "symmetrise_lr": [((G("100/020"),), G("101/020"))],
    "symmetrise_ud": [((G("12/00"),), G("12/12"))],
    "symmetrise_4": [((G("100/000/000"),), G("101/000/101"))],
    "symmetrise_rot": [((G("10/00"),), G("11/11")), ((A,), ValueError)],
    "symmetrise_diag": [((G("12/00"),), G("12/20"))],
    "symmetrise_all": [((G("120/000/000"),), G("121/202/121"))],
    # the loose 2 takes the rest of the template 12; turned, a vertical part picks a turn
    "complete_templates": [
        ((G("0000000/0120000/0000020"),), G("0000000/0120000/0000120")),
        ((G("1200/0000/0020/0030"),), G("1200/0000/0020/0030")),  # no placement: unchanged
    ],
    "complete_templates_turned": [
        ((G("123000/000000/000000/000020/000030"),), G("123000/000000/000010/000020/000030")),
        ((G("1111"),), ValueError),  # no multicolour template
    ],
    # a copy blown up 2x, then one whose 2 is now a 4
    "complete_templates_scaled": [
        ((G("12000/00000/01100/01100/00000"),), G("12000/00000/01122/01122/00000")),
        ((G("123000/000000/140000"),), G("123000/000000/143000")),
    ],
    # mirrored about the anchor colour's centre, not the grid's; cells mirrored off-grid drop
    "symmetrise_4_about": [((G("1000/0200/0000/0000"), 2), G("1010/0200/1010/0000"))],
    "symmetrise_rot_about": [
        ((G("3000/0200/0000/0000"), 2), G("3030/0200/3030/0000")),
        ((G("1000/0220/0000"), 2), ValueError),  # a centre between cells on one axis only
    ],
    # borders and fills
    "draw_border": [((G("000/000/000"), 5), G("555/505/555"))],
    "fill_enclosed": [((G("111/101/111"), 4), G("111/141/111")), ((G("10"), 4), G("10"))],
    "fill_enclosed_by_size": [
        ((G("11100/10111/11101/00111"),), G("11100/11111/11111/00111")),
        ((G("1111/1001/1001/1111"),), G("1111/1441/1441/1111")),
        ((G("00"),), G("00")),
    ],
    "mode_filter": [((G("1111/1121/1111"),), G("1111/1111/1111"))],
    "dilate": [((G("000/010/000"),), G("010/111/010"))],
    "erode": [((G("111/111/111"),), G("000/010/000"))],
    "fill_bbox_background": [((G("1000/0100/0000"), 3), G("1300/3100/0000"))],
    "halo": [((G("000/010/000"), 2), G("222/212/222"))],
    "halo_4": [((G("000/010/000"), 2), G("020/212/020"))],
    "hollow": [((G("111/111/111"),), G("111/101/111")), ((G("11"),), G("11"))],
    "recolour_interior": [((G("111/111/111"), 2), G("111/121/111"))],
    "zigzag": [((G("00/00/00/10"),), G("01/10/01/10")), ((G("1/0/0"),), ValueError)],
    # the segment 1 goes on up-right in 3, reflected off the wall of 2 at the top right
    "bounce_diagonals": [
        ((G("00002/00002/00002/01002/10002"), 3), G("00302/00032/00302/01002/10002"))
    ],
    "connect_lines": [((G("100/000/100"),), G("100/100/100"))],
    "connect_lines_diagonal": [((G("100/000/001"),), G("100/010/001"))],
    "rays_up": [((G("00/00/01"),), G("01/01/01"))],
    "rays_down": [((G("10/00"),), G("10/10"))],
    "rays_left": [((G("001"),), G("111"))],
    "rays_right": [((G("100"),), G("111"))],
    "rays_horizontal": [((G("0100/0000"),), G("1111/0000")), ((G("00"),), G("00"))],
    "rays_vertical": [((G("00/10/00"),), G("10/10/10"))],
    "rays_cross": [((G("000/010/000"),), G("010/111/010"))],
    "rays_diagonal": [((G("000/010/000"),), G("101/010/101"))],
    "rays_up_left": [
        ((G("000/000/002"),), G("200/020/002")),
        ((G("0000/0000/0011/0011"),), G("1000/0100/0011/0011")),  # from the block's corner
    ],
    "rays_up_right": [((G("000/000/200"),), G("002/020/200"))],
    "rays_down_left": [((G("003/000/000"),), G("003/030/300"))],
    "rays_down_right": [
        ((G("400/000/010"),), G("400/040/014")),
        ((G("100/020/000"),), G("100/020/002")),  # blocked by another colour
    ],
    # counting
    "count_colours": [((G("1102/0003"),), 3)],
    "count_foreground": [((G("1102/0003"),), 4)],
    "count_colour": [((G("1102/0003"), 1), 2)],
    "count_objects": [((G("1100/0001"),), 2)],
    "row_of": [((3, 2), G("222")), ((0, 2), ValueError)],
    "column_of": [((2, 4), G("4/4"))],
    "count_colours_bar": [((G("1202/0200"),), G("222/100"))],
    "colour_sequence": [
        ((G("4422/4228/4228"),), G("428")),  # by columns: 4, then 2, then 8
        ((G("22/58/55"),), G("2/8/5")),  # by rows
        ((G("12/21"),), ValueError),
    ],
    "objects_count_row": [((G("1010/0001/2000"),), G("11"))],
    # periodic patterns
    "untile": [((G("1212/3434"),), G("12/34")), ((G("12/34"),), ValueError)],
    "repeating_tile": [((G("121/343"),), G("12/34"))],
    "complete_periodic": [
        ((G("1212/3434/1202/3434"), 0), G("1212/3434/1212/3434")),
        ((G("2830/8300/3000"), 0), G("2832/8328/3283")),  # rows repeat shifted: diagonals
    ],
    "crop_periodic_completed": [((G("1212/3434/1200/3400"), 0), G("12/34"))],
    # quadrants and corners
    "top_left_quadrant": [((G("102/000/304"),), G("1")), ((G("12"),), ValueError)],
    "top_right_quadrant": [((G("102/000/304"),), G("2"))],
    "bottom_left_quadrant": [((G("102/000/304"),), G("3"))],
    "bottom_right_quadrant": [((G("102/000/304"),), G("4"))],
    "top_left_corner": [((G("123/456/789"), 2), G("12/45")), ((G("123/456/789"), 3), ValueError)],
    "top_right_corner": [((G("123/456/789"), 2), G("23/56"))],
    "bottom_left_corner": [((G("123/456/789"), 2), G("45/78"))],
    "bottom_right_corner": [((G("123/456/789"), 2), G("56/89"))],
    # more fills
    "recolour_boundary": [((G("111/111/111"), 2), G("222/212/222"))],
    "invert_foreground": [((G("10/02"), 3), G("03/30"))],
    "box_objects": [((G("00000/00000/00100/00000/00000"), 4), G("00000/04440/04140/04440/00000"))],
    # more fills, lines and regions
    "connect_lines_with": [((G("101/000"), 2), G("121/000")), ((G("100"), 2), G("100"))],
    "connect_rows_with": [((G("101/000/101"), 2), G("121/000/121"))],
    "connect_columns_with": [((G("101/000/101"), 2), G("101/202/101"))],
    "fill_empty_lines": [((G("100/000/001"), 5), G("150/555/051"))],
    "mark_uniform_rows": [((G("111/123/222"), 5), G("555/000/555"))],
    "fill_colour_boxes": [((G("1000/0001/0200/0002"),), G("1111/1111/0222/0222"))],
    "fill_regions_touching": [((G("0010/1110/0000/0202"), 2), G("0012/1112/2222/2222"))],
    "recolour_largest_region": [((G("1110/1010/1110"), 5), G("1115/1015/1115"))],
    "recolour_smallest_region": [
        ((G("1110/1010/1110"), 5), G("1110/1510/1110")),
        ((G("1010/1111/0000"), 5), G("1515/1111/0000")),  # ties: every smallest region
    ],
    "recolour_minority": [((G("5515/5255"), 3), G("5535/5355"))],
    "majority_per_row": [((G("1121/3343"),), G("1111/3333"))],
    "majority_per_column": [((G("12/12/32"),), G("12/12/12"))],
    "majority_per_line": [
        ((G("1121/3343"),), G("1111/3333")),
        ((G("13/13/23/13"),), G("13/13/13/13")),
    ],
    "keep_middle_column": [((G("123/456"),), G("020/050")), ((G("12"),), ValueError)],
    "keep_middle_row": [((G("12/34/56"),), G("00/34/00"))],
    "overlay": [((G("10/02"), G("33/33")), G("13/32")), ((G("1"), G("33")), ValueError)],
    "overlay_blank": [((G("10/02"), G("34/56")), G("30/06")), ((G("1"), G("33")), ValueError)],
    "halves_fold": [((G("12503/00534"),), G("12/43"))],
    "diagonal_of": [((3, 4), G("400/040/004"))],
    "downscale_majority": [((G("1121/1111/3333/3343"), 2), G("11/33"))],
    "extend_pattern_right": [((G("121/343"),), G("121212/343434"))],
    "extend_pattern_down": [((G("12/34/12"),), G("12/34/12/34/12/34"))],
    "drip_up": [((G("2/0/0/1"),), G("2/1/1/1"))],
    "drip_down": [((G("1/0/0/2"),), G("1/1/1/2"))],
    "drip_left": [((G("2001"),), G("2111"))],
    "drip_right": [((G("1002"),), G("1112")), ((G("00"),), G("00"))],
    # grid-level object shortcuts
    "crop_largest_object": [((G("1100/1100/0003"),), G("11/11"))],
    "crop_smallest_object": [((G("1100/1100/0003"),), G("3"))],
    "crop_odd_object": [((G("10101/00000/10201"),), G("2"))],
    "keep_largest_object": [((G("1100/1100/0003"),), G("1100/1100/0000"))],
    "keep_smallest_object": [((G("1100/1100/0003"),), G("0000/0000/0003"))],
    "remove_largest_object": [((G("1100/1100/0003"),), G("0000/0000/0003"))],
    "remove_smallest_object": [((G("1100/1100/0003"),), G("1100/1100/0000"))],
    "remove_singletons": [
        ((G("1100/1100/0003"),), G("1100/1100/0000")),
        ((A,), A),
        ((G("101"),), ValueError),
    ],
    "recolour_largest_object": [((G("1100/1100/0003"), 5), G("5500/5500/0003"))],
    "recolour_smallest_object": [((G("1100/1100/0003"), 5), G("1100/1100/0005"))],
    "recolour_size": [((G("1101/0001/2000"), 1, 4), G("1101/0001/4000"))],
    "remove_border_objects": [((G("1000/0020/0000"),), G("0000/0020/0000"))],
    "keep_border_objects": [((G("1000/0020/0000"),), G("1000/0000/0000"))],
    "recolour_closed_shapes": [((G("1110/1010/1110/0002"), 5), G("5550/5050/5550/0002"))],
    "recolour_open_shapes": [((G("1110/1010/1110/0002"), 5), G("1110/1010/1110/0005"))],
    "recolour_by_size": [((G("1101/0000/1000"),), G("2201/0000/1000"))],
    "recolour_by_size_rank": [((G("1101/0000/1110"),), G("2203/0000/1110"))],
    "stamp_at_markers": [((G("1000/2000/1000/0005"),), G("1000/2000/1001/0002"))],
    "swap_colours_in_objects": [((G("12/21"),), G("21/12")), ((G("10"),), G("10"))],
    "flip_objects_lr": [((G("1200/0000/0034"),), G("2100/0000/0043"))],
    "flip_objects_ud": [((G("10/20/00/03"),), G("20/10/00/03"))],
    "rotate_objects": [
        ((G("1200/3400/0000/0005"),), G("3100/4200/0000/0005")),
        ((G("12"),), ValueError),
    ],
    "extend_segments": [((G("00000/01100/00000"),), G("00000/11111/00000")), ((A,), A)],
    "kron_where": [((G("12/21"), 1), G("1200/2100/0012/0021"))],
    "remove_isolated_cells": [((G("110/001/200"),), G("110/000/000"))],
    "move_to_touch": [
        ((G("0010/0000/0000/0055"), 5), G("0000/0000/0010/0055")),
        ((G("1000/0000/0000/0055"), 5), ValueError),
    ],
    # loose pixels and an anchor: the 1 slides to touch its line, the 2 has none and goes
    "pull_to_own_colour": [((G("0010/0000/2000/0111"),), G("0000/0000/0010/0111"))],
    # the 2 is in line with the 3 block; the 4 is not
    "connect_to_largest": [((G("40020/00000/00330/00330"),), G("40020/00020/00330/00330"))],
    "project_onto_largest": [((G("40020/00000/00330/00330"),), G("40020/00000/00320/00330"))],
    "recolour_by_aligned_pixel": [
        ((G("03000/00000/05500/00000/00077"),), G("03000/00000/03300/00000/00077"))
    ],
    "recolour_by_nearest": [
        ((G("11030022"),), G("11010022")),
        ((G("1103022"),), G("1103022")),  # a tie: unchanged
    ],
    "keep_solid_blocks": [((G("1101/1100/0001"),), G("1100/1100/0000")), ((G("12"),), ValueError)],
    "largest_object_colour": [((G("1100/1100/0003"),), 1), ((G("00"),), ValueError)],
    "smallest_object_colour": [((G("1100/1100/0003"),), 3)],
    "objects_fall_down": [((G("010/000/000/020"),), G("000/000/010/020"))],
    "objects_fall_up": [((G("020/000/000/010"),), G("020/010/000/000"))],
    "objects_fall_left": [((G("0102"),), G("1200"))],
    "objects_fall_right": [((G("1020"),), G("0012"))],
    # sizing: the second grid lends its shape
    # a diagonal continued down: each row the one above moved right
    "continue_to": [
        ((G("100/010"), G("000/000/000/000")), G("100/010/001/000")),
        ((A, G("1")), ValueError),
    ],
    "tile_to": [((G("12/34"), G("000/000/000")), G("121/343/121")), ((A, A), ValueError)],
    "blank_resized": [
        ((G("12/34"), 2, 1, 1, -1), G("0/0/0/0/0")),
        ((G("1"), 1, -1, 1, 0), ValueError),
    ],
    "upscale_to": [((G("12"), G("0000/0000")), G("1122/1122")), ((A, G("0000")), ValueError)],
    "downscale_to": [((G("1122/1122"), G("00")), G("12")), ((A, G("0000")), ValueError)],
    "embed_to": [((G("12"), G("000/000")), G("120/000")), ((A, G("0")), G("1"))],
    "centre_to": [
        ((G("1"), G("000/000/000")), G("000/010/000")),
        ((G("12"), G("000")), ValueError),
    ],
}


def _check(name: str, args: tuple, expected: object) -> None:
    prim = primitives()[name]
    before = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    if expected is ValueError:
        with pytest.raises(ValueError):
            prim(*args)
    else:
        got = prim(*args)
        if prim.output == "Grid":
            assert got.dtype == np.int8 and got.flags.c_contiguous, name
        if isinstance(expected, np.ndarray):
            assert isinstance(got, np.ndarray) and got.shape == expected.shape, (name, got)
            np.testing.assert_array_equal(got, expected, err_msg=name)
        else:
            assert got == expected, (name, got)
    for a, b in zip(args, before):  # primitives are pure
        if isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b, err_msg=f"{name} mutated its input")


@pytest.mark.parametrize("name", sorted(CASES))
def test_table(name):
    for args, expected in CASES[name]:
        _check(name, args, expected)


def _function_tests() -> set[str]:
    return {n[len("test_") :] for n in dir(test_primitives_objects) if n.startswith("test_")}


def test_every_primitive_has_a_test():
    registered = set(primitives())
    functions = _function_tests()
    assert not (set(CASES) & functions), "a primitive has both a table case and a function"
    missing = registered - set(CASES) - functions
    assert not missing, f"primitives without a test: {sorted(missing)}"
    stale = set(CASES) - registered
    assert not stale, f"table cases for unknown primitives: {sorted(stale)}"


def _pools(rng: np.random.Generator) -> dict[str, list]:
    """Argument values by type: ordinary and awkward ones (wrong shapes, odd ints)."""
    from dsl.primitives import objects as ob

    grids = [rng.integers(0, 4, size=rng.integers(1, 8, size=2)).astype(np.int8) for _ in range(6)]
    grids += [np.zeros((3, 3), np.int8), G("11501/01511"), G("1212/3434/1202/3434")]
    objs = [ob.objects_multicolour(g) for g in grids if (g != 0).any()]
    return {
        "Grid": grids,
        "Colour": [0, 1, 5, 9],
        "Int": [-1, 0, 1, 2, 3, 31],
        "Mask": [g != 0 for g in grids[:4]],
        "Objects": objs + [()],
        "Object": [o[0] for o in objs],
    }


def _valid(kind: str, value: object) -> bool:
    from dsl.primitives.objects import Object

    if kind == "Grid":
        return (
            isinstance(value, np.ndarray)
            and value.dtype == np.int8
            and value.flags.c_contiguous
            and value.ndim == 2
            and 1 <= value.shape[0] <= 30
            and 1 <= value.shape[1] <= 30
            and value.min() >= 0
            and value.max() <= 9
        )
    if kind == "Mask":
        return isinstance(value, np.ndarray) and value.dtype == bool and value.ndim == 2
    if kind == "Colour":
        return isinstance(value, int) and 0 <= value <= 9
    if kind == "Int":
        return isinstance(value, int)
    if kind == "Bool":
        return isinstance(value, bool)
    if kind == "Object":
        return isinstance(value, Object)
    return isinstance(value, tuple) and all(isinstance(o, Object) for o in value)


def test_any_arguments_give_valid_results_or_value_error():
    """Every primitive on assorted (also awkward) arguments: a valid value of its output type or
    ValueError, and never a mutated input."""
    rng = np.random.default_rng(0)
    pools = _pools(rng)
    for name, prim in primitives().items():
        for _ in range(80):
            args = [pools[t][rng.integers(len(pools[t]))] for t in prim.inputs]
            before = [a.copy() for a in args if isinstance(a, np.ndarray)]
            try:
                res = prim(*args)
            except ValueError:
                continue
            assert _valid(prim.output, res), (name, args, res)
            after = [a for a in args if isinstance(a, np.ndarray)]
            for a, b in zip(after, before):
                np.testing.assert_array_equal(a, b, err_msg=f"{name} mutated its input")


def test_absent_colour_claims():
    """A primitive that declares `absent` (the graph search skips its call when its first Colour
    argument is not in the grid) gives the grid unchanged ("same") or ValueError ("none") then."""
    rng = np.random.default_rng(1)
    pools = _pools(rng)
    declared = [p for p in primitives().values() if p.absent]
    assert len(declared) >= 5
    for prim in declared:
        at = prim.inputs.index("Colour")
        for _ in range(60):
            args = [pools[t][rng.integers(len(pools[t]))] for t in prim.inputs]
            g = args[0]
            missing = [c for c in range(10) if not (g == c).any()]
            args[at] = missing[rng.integers(len(missing))]
            try:
                res = prim(*args)
            except ValueError:
                assert prim.absent == "none", (prim.name, args)
                continue
            assert prim.absent == "same", (prim.name, args, res)
            np.testing.assert_array_equal(res, g, err_msg=prim.name)
