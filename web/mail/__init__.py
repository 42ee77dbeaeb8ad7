"""Mail to participants: written in each recipient's language when it leaves the outbox,
and delivered over SMTP by the scheduler (``sender.deliver_mail``)."""
