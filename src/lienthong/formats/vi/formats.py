# Django's Vietnamese formats have "." for thousands but no grouping size, so floatformat:"g" printed
# 10026 ungrouped. Grouping applies only where a template asks for it ("g"), never to years or IDs.
NUMBER_GROUPING = 3
