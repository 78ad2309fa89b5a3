# Django's Vietnamese formats have "." for thousands but no grouping size, so floatformat:"g" printed
# 10026 ungrouped. Grouping applies only where a template asks for it ("g"), never to years or IDs.
NUMBER_GROUPING = 3

# Officers read dates as dd/mm/yyyy (Django's Vietnamese default spells them out: "Ngày 02 tháng 12 năm 2026").
DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
