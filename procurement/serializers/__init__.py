"""API shapes, one named input and output per action, by concept. Contacts leave the
server masked except for the handling staff."""
