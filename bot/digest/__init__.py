"""The weekly digest sent to the members of the approval bodies that receive it."""
