# Tienda's website, in English. One message per key; Spanish is in es.ftl with the same keys.

skip-to-content = Skip to content
search-label = Search the shop
search-placeholder = Books, pets, anything…
search-button = Search
nav-account = Your account
nav-cart = Cart
nav-orders = My orders
nav-incidents = My incidents
nav-services = My services
nav-my-data = My data
nav-my-account = My account
nav-login = Sign in
nav-register = Create an account
nav-logout = Sign out
language = Language
footer-text = Tienda: books, pets and more, with help when you need it.

home-title = Home
home-heading = Books, pets and all they need
home-intro = Find a classic to read, a friend to take home, and everything in between.
home-categories = Shop by category
home-newest = New in the shop
home-best-rated = Best rated
home-see-all = See everything new

kind-book = Book
kind-pet = Pet
kind-item = Goods
rating-short = { $average } ★
availability-none = Not available
availability-archived = No longer sold
availability-pet = Available to adopt
availability-stock = { $count ->
    [one] Only one left
   *[other] In stock ({ $count })
}
add-to-cart = Add to cart
quantity = Quantity
quantity-of = Quantity of { $name }
image-of = Picture of { $name }
tags = Tags
product-problem = A problem with this product? Tell us
fact-author = Author
fact-isbn = ISBN
fact-publisher = Publisher
fact-year = Year
fact-species = Species
fact-breed = Breed
fact-age = Age
fact-sex = Sex
fact-pet-status = Status
age-months = { $count ->
    [one] 1 month
   *[other] { $count } months
}
sex-male = Male
sex-female = Female
sex-unknown = Unknown
pet-status-available = Available
pet-status-pending = Reserved
pet-status-sold = Adopted
reviews-heading = { $count ->
    [0] Reviews
    [one] 1 review
   *[other] { $count } reviews
}
reviews-none = No reviews yet.
reviews-spread = How the reviews rate it
stars = { $count ->
    [one] 1 star
   *[other] { $count } stars
}
review-write = Write a review
review-rating = Your rating
review-comment = Your comment
review-send = Publish the review
error-rating = Choose a rating from 1 to 5.
error-review-twice = You have already reviewed this product.

list-title = All products
list-results-for = Results for “{ $query }”
list-results = Results
list-none = Nothing matches. Try fewer words or filters.
filters = Filters
filter-words = Words
filter-kind = Kind
filter-any = Any
filter-category = Category
filter-price = Price
filter-min = From
filter-max = To
filter-tag = Tag
filter-in-stock = Only what is in stock
filter-sort = Sort by
filter-apply = Show results
sort-relevance = Relevance
sort-newest = Newest
sort-price_asc = Price, low to high
sort-price_desc = Price, high to low
sort-rating = Rating
error-price = Write a price such as 12.50.
error-filters = These filters cannot be used together; change them and try again.
pager = Pages
pager-previous = ← Previous page
pager-next = Next page →

cart-title = Your cart
cart-empty = Your cart is empty.
cart-browse = Browse the shop
cart-product = Product
cart-line-total = Total
cart-update = Update
cart-remove = Remove
cart-remove-name = Remove { $name }
cart-price-was = The price changed; it was { $price }.
cart-problem-unavailable = No longer available: remove it to check out.
cart-problem-stock = { $count ->
    [0] Out of stock: remove it to check out.
    [one] Only 1 left: lower the quantity.
   *[other] Only { $count } left: lower the quantity.
}
cart-totals = Totals
cart-recalculate = Update the totals
cart-subtotal = { $count ->
    [one] Subtotal (1 item)
   *[other] Subtotal ({ $count } items)
}
cart-checkout = Check out
cart-sign-in-note = You will sign in or create an account; your cart stays.
cart-fix-first = Some lines cannot be bought as they are; change them to check out.
delivery = Delivery
delivery-label = { $name }
days = { $count ->
    [0] same day
    [one] 1 day
   *[other] { $count } days
}
total = Total
flash-added = { $count ->
    [one] Added to your cart.
   *[other] { $count } added to your cart.
}
flash-not-added = Not added: { $reason }
flash-cart-updated = Cart updated.
flash-not-changed = Not changed: { $reason }
flash-removed = Removed from your cart.

login-title = Sign in
login-button = Sign in
login-refused = The email or the password is wrong.
login-throttled = Too many attempts. Wait a few minutes and try again.
login-forgotten = Forgotten your password? Resetting it by email is not available yet; ask support to help.
login-no-account = New here?
register-title = Create an account
register-button = Create the account
register-have-account = Already have an account?
register-taken = An account with this email already exists. Sign in instead.
password-hint = 8 to 128 characters; a long phrase is best.
form-has-errors = Some fields need a change; see below.
field-name = Full name
field-email = Email
field-password = Password
field-given-name = Given name
field-family-name = Family name
field-phone = Phone
field-address-label = Name of the address (home, work), optional
field-line1 = Street and number
field-line2 = Floor, door (optional)
field-city = City
field-postal-code = Postal code
field-region = Region (optional)
field-country = Country
country-hint = Two letters, such as ES, MX or US.
field-current-password = Current password
field-new-password = New password
field-card-number = Card number
field-exp-month = Month
field-exp-year = Year
field-cvc = Security code
field-card-holder = Name on the card
flash-welcome = Welcome back, { $name }.
flash-registered = Welcome to Tienda, { $name }.
save = Save
remove = Remove

profile-title = My data
profile-names = Name and phone
profile-addresses = Addresses
profile-no-addresses = No addresses yet.
profile-add-address = Add the address
profile-password = Password
profile-change-password = Change the password
profile-export = Your data
profile-export-text = Download everything we keep about you, as a JSON file.
profile-export-button = Download my data
error-stale = Your data changed in another window; this is it now. Make your change again.
password-wrong = The current password is wrong.
flash-saved = Saved.
flash-password-changed = Password changed. Your other sessions were signed out.

services-title = My services
services-none = You have no contracted services.
services-since = since { $date }
services-until = until { $date }
services-history = History
services-problem = A problem with this service? Tell us
service-status-active = Active
service-status-suspended = Suspended
service-status-cancelled = Cancelled

checkout-title = Checkout
checkout-address = Delivery address
checkout-saved = Your addresses:
checkout-card = Payment
checkout-test-cards = This is a demo shop: no card is charged. Try these test cards, with any future date and any code:
card-approved = approved
card-declined-funds = declined: insufficient funds
card-declined-stolen = declined: card reported stolen
checkout-pay = Pay { $total }
checkout-summary = Your order
checkout-edit-cart = Change the cart
checkout-declined = The payment was declined: { $reason }. Nothing was charged and your cart is as it was; try another card.
checkout-fix-fields = Some fields need a change; see below.
checkout-short = Some products ran short of stock while you were checking out; your cart shows which. Nothing was charged.
checkout-unavailable = Some products are no longer sold; remove them from your cart. Nothing was charged.
checkout-running = Another checkout of yours is running; wait a moment and look at your orders.
decline-insufficient_funds = insufficient funds
decline-stolen_card = the card was reported stolen
decline-expired_card = the card has expired
decline-amount_too_large = the amount is too large for this card
decline-provider_unavailable = the card provider did not answer
done-title = Thank you for your order
done-text = It is paid and on its way to being packed.
done-estimate = Estimated delivery
done-see-order = See the order
done-keep-shopping = Keep shopping
order-number = Order number

orders-title = My orders
orders-none = You have not ordered anything yet.
orders-placed = Placed
orders-status = Status
items = { $count ->
    [one] 1 item
   *[other] { $count } items
}
order-title = Order
order-lines = What you ordered
order-unit-price = Price
order-items-total = Items
order-timeline = What happened
order-step-placed = Placed
order-step-paid = Paid
order-step-shipped = Shipped: { $tracking }
order-step-delivered = Delivered
order-step-cancelled = Cancelled
order-tracking = Tracking number
order-address = Delivery address
order-payment = Payment
order-cancel = Cancel the order
order-problem = A problem with this order? Tell us
flash-order-cancelled = The order is cancelled and the payment refunded.
flash-order-not-cancelled = This order can no longer be cancelled.
order-status-pending_payment = Taking payment
order-status-paid = Paid
order-status-payment_failed = Payment declined
order-status-shipped = Shipped
order-status-delivered = Delivered
order-status-cancelled = Cancelled

incidents-title = My incidents
incidents-open = Tell us about a problem
incidents-none = You have not opened any incident.
incident-subject = Subject
incident-description = What happened?
incident-category = About
incident-updated = Last change
incident-send = Send
incident-conversation = Conversation
incident-you = You
incident-support = Support
incident-reply = Your reply
incident-send-reply = Send the reply
incident-moved = Status: { $status }
incident-rate = How did we do?
incident-send-rating = Send the rating
incident-rated = You rated this { $rating } of 5. Thank you.
incident-about-order = About order { $id }…
incident-about-product = About a product ({ $id }…)
incident-about-service = About a service ({ $id }…)
flash-incident-opened = We have your message; support will answer here.
flash-reply-sent = Reply sent.
flash-rated = Thank you for your rating.
flash-not-rated = This incident cannot be rated now.
flash-review-thanks = Thank you for your review.
category-order = An order
category-product = A product
category-billing = Billing
category-service = A service
category-other = Something else
incident-status-new = Received
incident-status-open = Open
incident-status-pending = Waiting for you
incident-status-on_hold = On hold
incident-status-resolved = Resolved
incident-status-closed = Closed
incident-status-merged = Merged into another

error-home = Go to the home page
error-reference = If you contact support, give them this reference:
error-status = Status
error-not-found-title = Page not found
error-not-found-text = There is nothing here, or it is not yours to see.
error-forbidden-title = Not allowed
error-forbidden-text = This action was refused. If you sent a form, reload the page and send it again.
error-bad-request-title = Something in the request was wrong
error-bad-request-text = The site did not understand what was sent. Go back and try again.
error-method-title = Not allowed here
error-method-text = This page does not take that kind of request.
error-unavailable-title = Back in a moment
error-unavailable-text = Part of the shop is not answering right now. Nothing you did was lost; try again in a few seconds.
error-internal-title = Something went wrong
error-internal-text = We could not show this page. It is not your fault; try again shortly.

month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec

# The back office.
nav-back-office = Back office
admin-menu = Back office
admin-nav-desk = Support desk
admin-nav-orders = Orders
admin-nav-catalog = Catalog
admin-choose = Choose…
error-choose = Choose one.
error-whole-number = Write a whole number, such as 12.

desk-title = Support queue
desk-filter = Filter
desk-any = Any
desk-empty = No incident matches these filters.
desk-customer = Customer
desk-priority = Priority
desk-assignee = Assignee
desk-assignee-any = Anyone
desk-assignee-mine = Mine
desk-assignee-unassigned = Unassigned
desk-sla = SLA
desk-sla-on_track = On track
desk-sla-due_soon = At risk
desk-sla-breached = Breached
desk-time-left = Time left
desk-actions = Actions
desk-claim = Take it
desk-me = You
desk-someone = Another agent
desk-nobody = Nobody
desk-tienda = Tienda
desk-status-active = Needs work
desk-status-new = New
desk-status-open = Open
desk-status-pending = Waiting on customer
desk-status-on_hold = On hold
desk-status-resolved = Resolved
desk-status-closed = Closed
desk-status-merged = Merged
desk-move = Move to
desk-move-open = Open
desk-move-pending = Wait on customer
desk-move-on_hold = Put on hold
desk-move-resolved = Resolve
desk-move-closed = Close
priority-low = Low
priority-normal = Normal
priority-high = High
priority-urgent = Urgent
sla-left = { $time } left
sla-over = { $time } over
sla-paused = Paused
sla-at-risk = At risk
sla-breached = SLA breached
desk-shortcuts = Keyboard shortcuts
desk-key-next = Next incident
desk-key-previous = Previous incident
desk-key-open = Open the incident
desk-key-claim = Take the incident
desk-internal-note = Internal note
desk-write = Reply or note
desk-send-reply = Send to the customer
desk-add-note = Add an internal note
desk-note-hint = An internal note is seen by staff only, never by the customer.
desk-side = About this incident
desk-about = About
desk-work = Work on it
desk-save = Save
desk-merge-into = Merge into another incident of this customer
desk-merge = Merge
desk-assigned = Assigned to { $name }
desk-unassigned = Unassigned
desk-priority-set = Priority: { $priority }
desk-state-unknown = Its state is not available right now.
desk-about-order = Order { $id }…
desk-about-product = Product { $id }…
desk-about-service = Service { $id }…
desk-stock = { $count ->
    [0] Out of stock
    [one] 1 in stock
   *[other] { $count } in stock
}
desk-stale = Someone changed this incident meanwhile; here it is as it is now. Make your change again if it still applies.
desk-refused = That change cannot be made now.
flash-note-added = Internal note added.
flash-incident-moved = Status changed.
flash-incident-claimed = The incident is yours.
flash-incident-changed = Saved.
flash-incident-merged = Merged; the conversation carries on here.

admin-orders-title = Orders
admin-orders-customer = Customer (user id)
admin-orders-customer-error = Paste a customer's user id, such as 0195f3a2-….
admin-orders-none = No order matches these filters.
admin-orders-ship-to = Ship to
admin-order-fulfil = Fulfilment
admin-order-carrier = Carrier
admin-order-tracking = Tracking number
admin-order-ship = Mark as shipped
admin-order-delivered = Mark as delivered
admin-order-cancel = Cancel and refund
order-actions = What you can do
flash-order-shipped = Shipped; the customer sees the tracking number.
flash-order-delivered = Marked as delivered.
flash-order-refunded = Cancelled; the payment is refunded and the units are back in stock.

admin-products-title = Products
admin-products-search = Search products
admin-products-none = No product yet.
admin-product-new = List a product
admin-product-create = List it
admin-product-name = Name
admin-product-kind = Kind
admin-product-description = Description
admin-product-category = Category
admin-product-price = Price
admin-product-currency = Currency
admin-product-stock = Stock
admin-product-tags = Tags (separated by commas)
admin-product-book = For a book
admin-product-pet = For a pet
admin-product-age-months = Age in months
admin-product-kind-hint = Fill in the part of the kind you chose; the other is ignored.
admin-product-in-shop = See it in the shop
admin-product-archive = Archive
admin-product-archive-hint = An archived product is no longer sold; orders and reviews still name it.
admin-out-of-stock = Out of stock
admin-stock-delta = Units to add (or take, with a minus: -2)
admin-stock-delta-hint = A delivery arrived: 12. Two broke: -2.
admin-stock-reason = Reason
admin-stock-save = Change the stock
admin-stock-history = Stock history
admin-stock-no-history = No change recorded yet.
admin-stock-when = When
admin-stock-change = Change
admin-stock-after = Stock after
error-stock-delta = Write a whole number of units other than 0, such as 12 or -2.
flash-stock-adjusted = Stock changed; it is now { $stock }.
flash-product-listed = Listed. Add its stock below if you have not yet.
flash-product-archived = Archived; it is no longer sold.

admin-nav-customers = Customers
admin-customers-title = Customers
admin-customers-search = Name, email or phone
admin-customers-deleted = Include deleted records
admin-customers-none = No customer matches.
customer-status-active = Active
customer-status-deleted = Deleted
customer-status-erased = Erased
role-customer = Customer
role-seller = Seller
role-agent = Agent
role-admin = Administrator
role-service = Tienda
admin-customer-record = Record
admin-customer-stale = Someone changed this record meanwhile; this is it as it is now. Make your change again if it still applies.
admin-customer-birth-date = Born on
admin-customer-export = Download everything kept (JSON)
admin-customer-delete = Delete the record
admin-customer-restore = Restore the record
admin-customer-erase = Erase personal data
admin-customer-erase-hint = Name, email, phone, birth date and addresses are replaced for good; orders and incidents stay, with nobody's name. This cannot be undone.
admin-customer-erase-confirm = Type { $email } to confirm
admin-customer-erase-button = Erase for good
error-erase-confirm = Type the customer's email exactly to confirm.
admin-customer-no-services = No contracted service.
admin-service-status-of = Status of { $name }
admin-service-change = Change
admin-service-add = Add a service
admin-service-name = Service
admin-service-plan = Plan (optional)
admin-service-start = Started on
admin-customer-no-orders = No order yet.
admin-customer-incidents = Incidents
admin-customer-no-incidents = No incident.
admin-customer-trail = Audit trail
admin-customer-action = What
admin-customer-who = Who
admin-customer-fields = Fields
flash-customer-saved = Saved.
flash-customer-deleted = Deleted; it can be restored for a while.
flash-customer-restored = Restored.
flash-customer-erased = The personal data is erased.
flash-service-added = Service added.
flash-service-changed = Service status changed.

admin-nav-dashboard = Dashboard
admin-nav-dead-letters = Dead letters
dashboard-title = Dashboard
dashboard-orders-today = orders paid today
dashboard-revenue-today = revenue today
dashboard-orders-week = orders paid in 7 days
dashboard-revenue-week = revenue in 7 days
dashboard-sales = Orders paid per day
dashboard-sales-chart = Orders paid on each of the last 7 days
dashboard-figures = The figures
dashboard-revenue = Revenue
dashboard-queue = Open incidents
dashboard-all-in-stock = Every product is in stock.
dashboard-more = And more; see the products list.
dashboard-dead-letters = { $count ->
    [0] No event is waiting.
    [one] 1 event could not be handled.
   *[other] { $count } events could not be handled.
}

admin-nav-users = People
admin-nav-delivery = Delivery
admin-users-title = People and roles
admin-users-role = Role
admin-users-role-of = Role of { $name }
admin-users-none = Nobody matches.
admin-users-delete = Delete
flash-role-changed = Role changed; their sessions ended, so they sign in again.
flash-user-deleted = The account is deleted.
admin-delivery-title = Delivery options
admin-delivery-name = Name
admin-delivery-terms = Price and days
admin-delivery-days = Days
admin-delivery-offered = Offered at checkout
admin-delivery-inactive = Not offered
admin-delivery-add = Add a delivery option
error-delivery-change = Write a price such as 4.95 and a whole number of days.
flash-delivery-added = Delivery option added.
flash-delivery-changed = Delivery option saved.
admin-letters-hint = Events a service could not handle after every attempt. Fix the cause first, then send it back to its handler.
admin-letters-service = Service
admin-letters-type = Event
admin-letters-subject = Subject
admin-letters-attempts = Attempts
admin-letters-error = Last error
admin-letters-arrived = Arrived
admin-letters-replay = Replay
flash-replayed = Sent back to its handler.
admin-letters-none = No event is waiting.
admin-customer-services = Contracted services
admin-customer-keep = Export, delete, erase
admin-customer-opened = Opened
admin-orders-from = Placed from
admin-orders-until = Placed until
admin-orders-day-error = Choose days such as 2026-12-01; the others were left out.
admin-product-edit = Change the details
admin-product-stale = Someone changed this product meanwhile; this is it as it is now. Make your change again if it still applies.
flash-product-saved = Saved.
admin-nav-categories = Categories
admin-categories-title = Categories
admin-categories-under = Under
admin-categories-top = (the top)
admin-categories-name-of = Name of { $name }
admin-categories-parent-of = Where { $name } goes
admin-categories-rename = Rename
admin-categories-move = Move
admin-categories-new = A new category
admin-categories-make = Make it
flash-category-made = Category made.
flash-category-changed = Category changed.
flash-category-deleted = Category deleted.
admin-product-reviews = Reviews
admin-product-no-reviews = No review yet.
admin-review-delete = Delete the review
flash-review-deleted = Review deleted.
flash-review-gone = That review was deleted already.
