"""One function per picture: the pose of the exercise's first side, as the instruction reads.

Side views of the first side show the figure's LEFT side (the figure faces screen-left), so
the figure's left limbs are the near (dark) ones. The second side is the whole picture flipped
horizontally (see generate.py), which shows the right side with the right limbs near.
"""

from __future__ import annotations

from figure import (
    ACCENT,
    ACCENT_FAR,
    ARM_W,
    CHAIR_SEAT_Y,
    CORNER,
    FAR,
    FLOOR_Y,
    FOOT,
    FOOT_W,
    FOREARM,
    HEAD_R,
    LEG_W,
    NEAR,
    NECK_GAP,
    SHIN,
    THIGH,
    TORSO_FRONT_W,
    TORSO_LEN,
    TORSO_SIDE_W,
    UPPER_ARM,
    WAIST_HALF,
    Canvas,
    Part,
    Svg,
    Vec,
    add,
    band,
    ellipse,
    ik,
    lerp,
    mul,
    polyline_d,
    reach,
    toward,
)

ANKLE_UP = 17.0  # ankle height above the floor line with the foot flat
KNEE_UP = LEG_W / 2 + 1  # knee centre above the floor line when kneeling


def _head_on(shoulder: Vec, torso_angle: float, torso_w: float) -> Vec:
    return toward(shoulder, torso_angle, torso_w / 2 + NECK_GAP + HEAD_R)


def _arm_to(shoulder: Vec, hand: Vec, bend: int) -> tuple[Vec, Vec]:
    wrist = reach(shoulder, hand, UPPER_ARM + FOREARM - 0.5)
    return ik(shoulder, wrist, UPPER_ARM, FOREARM, bend), wrist


def _kneeling_lunge() -> tuple[Vec, Vec, Vec, Vec, Vec, Vec, Vec, Vec]:
    """Legs of the kneeling lunge facing screen-left: near (left) knee down, far (right) foot
    forward. Returns hip, front knee, front ankle, front toe, back knee, back ankle, back toe,
    pelvis."""
    back_knee = (610.0, FLOOR_Y - KNEE_UP)
    hip = toward(back_knee, -113, THIGH)
    back_ankle = (back_knee[0] + SHIN, FLOOR_Y - 20)
    back_toe = (back_ankle[0] + FOOT - 4, FLOOR_Y - 14)
    front_ankle = (hip[0] - 190, FLOOR_Y - ANKLE_UP)
    front_knee = ik(hip, front_ankle, THIGH, SHIN, +1)
    front_toe = (front_ankle[0] - FOOT, FLOOR_Y - ANKLE_UP + 2)
    pelvis = add(hip, (6, -4))
    return hip, front_knee, front_ankle, front_toe, back_knee, back_ankle, back_toe, pelvis


def iliopsoas() -> Svg:
    """Kneeling lunge: right foot forward, left knee down behind the hip, hips pushed forward."""
    c = Canvas()
    c.mat(170, 850)
    hip, front_knee, front_ankle, front_toe, back_knee, back_ankle, back_toe, pelvis = (
        _kneeling_lunge()
    )
    torso_angle = -91.0
    shoulder = toward(pelvis, torso_angle, TORSO_LEN)
    head = _head_on(shoulder, torso_angle, TORSO_SIDE_W)
    hand = add(front_knee, (4, -LEG_W / 2 - ARM_W / 2 + 4))

    # Far side first: right arm (hand on the front knee), right (front) leg.
    far_shoulder = add(shoulder, (-4, 0))
    far_elbow, far_wrist = _arm_to(far_shoulder, add(hand, (-30, 2)), +1)
    c.arm(far_shoulder, far_elbow, far_wrist, FAR)
    c.leg(hip, front_knee, front_ankle, front_toe, FAR)

    spot = [ellipse(add(hip, (-42, -26)), 36, 80, -22, ACCENT)]
    torso = c.torso(pelvis, shoulder, TORSO_SIDE_W)
    c.highlight(torso, spot)
    near_leg = c.leg(hip, back_knee, back_ankle, back_toe, NEAR)
    c.highlight(near_leg[:1], spot)
    near_elbow, near_wrist = _arm_to(shoulder, hand, +1)
    c.arm(shoulder, near_elbow, near_wrist, NEAR)
    c.head(head, -90, 180)

    c.arrow([(pelvis[0] + 150, pelvis[1] - 20), (pelvis[0] + 66, pelvis[1] - 20)])
    c.view((520, 420), 1.15)
    return c.svg


def quadratus_lumborum_mirror() -> Svg:
    """The MIRROR of the quadratus lumborum text, drawn facing screen-left; generate.py flips
    it to give the text as written (right foot forward, look left, right lower back opens).

    Here: left foot forward (near, dark), right knee down behind (far, light). The torso turns
    to the right, away from the viewer, so its back shows, and bends down to the right; the
    right hand reaches round to the right calf (the left one, crossing in front of the body,
    is hidden by it); the head turns right. The left side of the lower back, the long side of
    the bend, is highlighted."""
    c = Canvas()
    c.mat(170, 850)
    hip, front_knee, front_ankle, front_toe, back_knee, back_ankle, back_toe, pelvis = (
        _kneeling_lunge()
    )
    torso_angle = -42.0
    pelvis = add(pelvis, (4, 6))
    shoulder = toward(pelvis, torso_angle, TORSO_LEN - 10)
    # Seen from behind, the figure's right is on screen-right: `across` points that way.
    across = toward((0, 0), torso_angle + 90, 1)
    right_shoulder = add(shoulder, mul(across, TORSO_FRONT_W / 2 - 20))
    head = toward(shoulder, torso_angle - 4, CORNER * 0.2 + NECK_GAP + HEAD_R + 2)
    near_hip = add(pelvis, (-30, 8))
    calf = lerp(back_knee, back_ankle, 0.45)
    right_hand = add(calf, (0, -LEG_W / 2 - ARM_W / 2 + 6))

    c.leg(hip, back_knee, back_ankle, back_toe, FAR)
    side = ellipse(
        add(toward(pelvis, torso_angle, 46), mul(across, -WAIST_HALF)),
        52,
        26,
        torso_angle,
        ACCENT,
    )
    torso = c.torso_front(pelvis, shoulder, bend=-12)
    c.highlight(torso, [side])
    c.spine(pelvis, shoulder, bend=-12)
    front_knee = ik(near_hip, front_ankle, THIGH, SHIN, +1)
    c.leg(near_hip, front_knee, front_ankle, front_toe, NEAR)
    elbow, wrist = _arm_to(right_shoulder, right_hand, -1)
    c.arm(right_shoulder, elbow, wrist, NEAR)
    c.head(head, torso_angle - 4, 60, hair=0.25)

    c.arrow([(470, 240), (600, 170), (700, 260)], curve=True)
    c.view((520, 420), 1.15)
    return c.svg


def clamshell() -> Svg:
    """Lying on the left side, seen from the front and a little above: head on the left arm
    (screen-right), hips and knees bent towards the viewer, feet together; the right (top)
    knee lifts. The right outer hip and buttock (gluteus medius) are highlighted."""
    c = Canvas()
    c.mat(120, 900, top=590, bottom=696)
    pelvis = (470.0, 586.0)
    shoulder = (668.0, 580.0)
    # Lying on the left side: the figure's left is down, its right up.
    top_hip = (468.0, 560.0)
    bottom_hip = (472.0, 612.0)
    bottom_knee = (364.0, 664.0)
    bottom_ankle = (262.0, 626.0)
    bottom_toe = (222.0, 622.0)
    top_knee = (366.0, 478.0)
    top_ankle = (266.0, 586.0)
    top_toe = (226.0, 582.0)
    left_shoulder = (shoulder[0] - 6, shoulder[1] + 34)
    right_shoulder = (shoulder[0] - 6, shoulder[1] - 30)

    # The left arm lies on the floor above the head, the head resting on it.
    c.arm(left_shoulder, (760.0, 640.0), (858.0, 636.0), FAR)
    c.leg(bottom_hip, bottom_knee, bottom_ankle, bottom_toe, FAR)
    spot = [ellipse((476.0, 546.0), 58, 34, -4, ACCENT)]
    torso = c.torso_front(pelvis, shoulder)
    c.highlight(torso, spot)
    c.head((shoulder[0] + CORNER * 0.2 + NECK_GAP + HEAD_R + 4, 584.0), -8, None)
    top_leg = c.leg(top_hip, top_knee, top_ankle, top_toe, NEAR)
    c.highlight(top_leg[:1], spot)
    # The right hand rests on the floor in front of the chest.
    c.arm(right_shoulder, (588.0, 600.0), (604.0, 668.0), NEAR)

    c.arrow([(352.0, 440.0), (326.0, 392.0), (356.0, 334.0)], curve=True)
    c.view((510.0, 530.0), 1.2)
    return c.svg


def bridge() -> Svg:
    """Lying on the back (head screen-left), feet flat, hips lifted so that shoulders, hips and
    knees make one line; arms along the floor. Hamstrings and buttocks are highlighted."""
    c = Canvas()
    c.mat(90, 870)
    line = -20.0  # the shoulders-hips-knees line, rising towards the knees
    shoulder = (300.0, FLOOR_Y - TORSO_SIDE_W / 2)
    pelvis = toward(shoulder, line, TORSO_LEN)
    knee = toward(pelvis, line, THIGH)
    ankle_y = FLOOR_Y - ANKLE_UP
    ankle = (knee[0] + (SHIN**2 - (ankle_y - knee[1]) ** 2) ** 0.5, ankle_y)
    toe = (ankle[0] + FOOT, ankle_y + 2)
    head = (shoulder[0] - TORSO_SIDE_W / 2 - NECK_GAP - HEAD_R, FLOOR_Y - HEAD_R - 2)
    hand = (shoulder[0] + UPPER_ARM + FOREARM - 6, FLOOR_Y - ARM_W / 2 - 2)

    back = 14.0  # the far limbs show a little behind the near ones
    far_knee = add(knee, (-back, -back / 2))
    far_ankle = (ankle[0] - back, ankle[1] - back / 2)
    c.arm(
        add(shoulder, (back, -back / 2)),
        add(lerp(shoulder, hand, 0.5), (back, -back / 2)),
        add(hand, (back, -back / 2)),
        FAR,
    )
    under = toward((0, 0), line + 90, 1)  # from the thigh's centre line to its back

    def hams(k: Vec) -> str:
        colour = ACCENT if k == knee else ACCENT_FAR
        shift = mul(under, LEG_W / 2)
        return band(
            add(lerp(pelvis, k, 0.2), shift), add(lerp(pelvis, k, 0.78), shift), 44, colour
        )

    far_leg = c.leg(pelvis, far_knee, far_ankle, add(far_ankle, (FOOT, 2)), FAR)
    c.highlight(far_leg[:1], [hams(far_knee)])
    torso = c.torso(pelvis, shoulder, TORSO_SIDE_W)
    c.highlight(torso, [ellipse(add(pelvis, mul(under, 26)), 44, 28, line, ACCENT)])
    near_leg = c.leg(pelvis, knee, ankle, toe, NEAR)
    c.highlight(near_leg[:1], [hams(knee)])
    c.arm(shoulder, lerp(shoulder, hand, 0.5), hand, NEAR)
    c.head(head, 180, -90)

    c.arrow([(pelvis[0] + 4, pelvis[1] - 66), (pelvis[0] + 4, pelvis[1] - 146)])
    c.view((470.0, 520.0), 1.35)
    return c.svg


def desk_hip_flexor() -> Svg:
    """Standing behind an office chair, hands on its backrest: right foot forward (far, light),
    left foot back with the heel up (near, dark), pelvis tucked and pushed forward. The front
    of the left hip is highlighted."""
    c = Canvas()
    c.floor(x0=140, x1=880)
    back_x = 396.0
    back_top = 334.0
    hip = (560.0, 376.0)
    front_ankle = (462.0, FLOOR_Y - ANKLE_UP)
    front_toe = (front_ankle[0] - FOOT, FLOOR_Y - ANKLE_UP + 2)
    back_toe = (748.0, FLOOR_Y - 10)
    back_ankle = (back_toe[0] - FOOT + 8, FLOOR_Y - 40)
    front_knee = ik(hip, front_ankle, THIGH, SHIN, +1)
    back_knee = ik(hip, back_ankle, THIGH, SHIN, +1)
    torso_angle = -89.0
    pelvis = add(hip, (6, -4))
    shoulder = toward(pelvis, torso_angle, TORSO_LEN)
    head = _head_on(shoulder, torso_angle, TORSO_SIDE_W)
    hand = (back_x + 4, back_top - ARM_W / 2 - 2)

    far_elbow, far_wrist = _arm_to(add(shoulder, (-4, 0)), add(hand, (-16, 0)), -1)
    c.arm(add(shoulder, (-4, 0)), far_elbow, far_wrist, FAR)
    c.leg(hip, front_knee, front_ankle, front_toe, FAR)
    c.chair_side(back_x, -1, back_top)
    spot = [ellipse(add(hip, (-42, -26)), 36, 80, -16, ACCENT)]
    torso = c.torso(pelvis, shoulder, TORSO_SIDE_W)
    c.highlight(torso, spot)
    near_leg = c.leg(hip, back_knee, back_ankle, back_toe, NEAR)
    c.highlight(near_leg[:1], spot)
    near_elbow, near_wrist = _arm_to(shoulder, hand, -1)
    c.arm(shoulder, near_elbow, near_wrist, NEAR)
    c.head(head, -90, 180)

    c.arrow([(pelvis[0] + 150, pelvis[1] - 20), (pelvis[0] + 66, pelvis[1] - 20)])
    c.view((500.0, 378.0), 1.05)
    return c.svg


def seated_side_bend() -> Svg:
    """Sitting near the front of an office chair, seen from the front: the right arm (on
    screen-left) reaches up and over, the torso leans to the figure's left (screen-right).
    The right side of the waist, the long side of the bend, is highlighted."""
    c = Canvas()
    c.floor(x0=180, x1=780)
    cx = 480.0
    c.chair_front(cx)
    pelvis = (cx, 478.0)
    torso_angle = -72.0
    bend = -10.0
    shoulder = toward(pelvis, torso_angle, TORSO_LEN - 4)
    across = toward((0, 0), torso_angle + 90, 1)  # towards the figure's left (screen-right)
    right_shoulder = add(shoulder, mul(across, -(TORSO_FRONT_W / 2 - 18)))
    left_shoulder = add(shoulder, mul(across, TORSO_FRONT_W / 2 - 18))
    head = toward(shoulder, torso_angle + 8, CORNER * 0.2 + NECK_GAP + HEAD_R + 2)

    waist = add(toward(pelvis, torso_angle, 48), mul(across, -WAIST_HALF))
    torso = c.torso_front(pelvis, shoulder, bend=bend)
    c.highlight(torso, [ellipse(waist, 56, 24, torso_angle, ACCENT)])
    # Seen from the front the thighs point at the viewer: short, splayed a little, knees
    # lower than the hips; the shins go straight down.
    for side in (-1, 1):  # right leg (screen-left), then left leg
        hip = (cx + side * 28, 494.0)
        knee = (cx + side * 62, 526.0)
        ankle = (cx + side * 70, FLOOR_Y - ANKLE_UP - 6)
        c.part(
            Part(polyline_d([hip, knee, ankle]), LEG_W, NEAR),
            Part(polyline_d([add(ankle, (-7, 10)), add(ankle, (7, 10))]), FOOT_W + 6, NEAR),
        )
    c.head(head, torso_angle + 8, None)
    # The left hand rests on the left thigh.
    left_hand = (cx + 74, 500.0)
    elbow, wrist = _arm_to(left_shoulder, left_hand, -1)
    c.arm(left_shoulder, elbow, wrist, NEAR)
    # The right arm goes up and over the head.
    elbow = toward(right_shoulder, -84, UPPER_ARM)
    wrist = toward(elbow, -28, FOREARM)
    c.arm(right_shoulder, elbow, wrist, NEAR)

    c.arrow([(330.0, 190.0), (470.0, 60.0), (640.0, 150.0)], curve=True)
    c.view((480.0, 360.0), 1.1)
    return c.svg


def seated_pelvic_tilt() -> Svg:
    """Sitting tall near the front of an office chair, seen from the side (facing screen-left),
    hands on the thighs; a double-headed arrow curves round the back of the pelvis (roll back,
    roll forward). The lower back is highlighted."""
    c = Canvas()
    c.floor(x0=160, x1=860)
    back_x = 668.0
    c.chair_side(back_x, -1, 330.0)
    hip = (494.0, CHAIR_SEAT_Y - 14 - LEG_W / 2 + 2)
    knee = (hip[0] - THIGH, hip[1] + 6)
    ankle = (knee[0] - 6, FLOOR_Y - ANKLE_UP)
    knee = ik(hip, ankle, THIGH, SHIN, +1)
    toe = (ankle[0] - FOOT, FLOOR_Y - ANKLE_UP + 2)
    torso_angle = -90.0
    pelvis = add(hip, (8, -6))
    shoulder = toward(pelvis, torso_angle, TORSO_LEN)
    head = _head_on(shoulder, torso_angle, TORSO_SIDE_W)
    hand = lerp(hip, knee, 0.62)
    hand = (hand[0], hand[1] - LEG_W / 2 - ARM_W / 2 + 6)

    far_elbow, far_wrist = _arm_to(add(shoulder, (-4, 0)), add(hand, (-16, 0)), -1)
    c.arm(add(shoulder, (-4, 0)), far_elbow, far_wrist, FAR)
    c.leg(add(hip, (-4, -4)), add(knee, (-14, -6)), add(ankle, (-14, 0)), add(toe, (-14, 0)), FAR)
    torso = c.torso(pelvis, shoulder, TORSO_SIDE_W)
    low_back = ellipse(add(pelvis, (TORSO_SIDE_W / 2 - 4, -46)), 24, 62, 0, ACCENT)
    c.highlight(torso, [low_back])
    c.leg(hip, knee, ankle, toe, NEAR)
    near_elbow, near_wrist = _arm_to(shoulder, hand, -1)
    c.arm(shoulder, near_elbow, near_wrist, NEAR)
    c.head(head, -90, 180)

    c.arrow(
        [
            (pelvis[0] + 76, pelvis[1] - 124),
            (pelvis[0] + 150, pelvis[1] - 36),
            (pelvis[0] + 84, pelvis[1] + 52),
        ],
        curve=True,
        both=True,
    )
    c.view((510.0, 400.0), 1.12)
    return c.svg
