"""The province's digital-transformation board ("Ban Chỉ đạo"): digital literacy of staff ("Bình dân học vụ số")
counted from the staff register (a campaigns profile, tied to the population by CCCD) and the national learning
platform's completion lists, against the targets held as data."""
