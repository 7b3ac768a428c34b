"""Distribution media: the ways an episode is shown, by code."""

from __future__ import annotations

MEDIA: dict[str, str] = {
    "svod": "Subscription video on demand",
    "avod": "Advertising-supported video on demand",
    "tvod": "Transactional video on demand (rental)",
    "est": "Electronic sell-through",
    "broadcast": "Free-to-air television",
    "pay_tv": "Pay television (cable, satellite)",
    "theatrical": "Cinemas",
    "home_video": "Physical media (DVD, Blu-ray)",
    "social": "Social platforms (YouTube, TikTok, Instagram…)",
    "airline": "In-flight entertainment",
    "festival": "Festival and market screenings",
    "promotional": "Trailers, clips and marketing material",
}
